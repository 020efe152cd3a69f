"""Captions and hashtags per platform: decided first (a blocked topic gets nothing), written from
the creator's best-selling PPV and by the model (a scripted provider at the process boundary),
fitted to each platform (length, hashtag count, banned and shadow-banned tags) and checked by
compliance; the calendar refuses a caption that breaks its platform before scheduling."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.ai.doubles import ScriptedProvider
from tests.content.sales import Shop, make_shop
from tests.factories import log_in

from huntaze.ai.providers.base import CompletionRequest
from huntaze.ai.router import AIRouter
from huntaze.ai.service import ai
from huntaze.content.calendar import calendar
from huntaze.content.captions import PLATFORMS, captions, check_caption
from huntaze.content.schemas import PlannedPostIn
from huntaze.core.errors import InvalidInputError
from huntaze.storage.blobs import LocalBlobStore


@pytest.fixture
def shop(session: Session, tmp_path: Path) -> Shop:
    return make_shop(session, LocalBlobStore(tmp_path))


@pytest.fixture
def model() -> Iterator[ScriptedProvider]:
    """The local model replaced by a script: a caption with a banned tag, then hashtags."""
    caption = json.dumps({"caption": "Golden hour on the beach, just us 🌅 #beach #nsfw"})
    hashtags = json.dumps({"hashtags": ["#beach", "#Sunset Vibes", "#teen", "#nsfw", "#sunset"]})

    def answer(request: CompletionRequest) -> str:
        schema = request.json_schema or {}
        return hashtags if "hashtags" in schema.get("properties", {}) else caption

    scripted = ScriptedProvider([answer], name="local")
    ai.use_router(AIRouter(recorder=ai.recorder, providers={"local": scripted}))
    yield scripted
    ai.use_router(None)


def test_a_blocked_topic_gets_no_caption_at_all(shop: Shop, model: ScriptedProvider) -> None:
    plan = captions.write(
        shop.session,
        shop.owner.actor,
        shop.creator,
        topic="pay me on cashapp for the beach video",
        platforms=["onlyfans"],
    )
    assert plan.variants == {} and plan.refused and "No caption" in plan.refused[0]
    assert model.requests == []


def test_variants_per_platform_fit_their_rules_and_pass_compliance(
    shop: Shop, model: ScriptedProvider
) -> None:
    sold = shop.send(shop.fan("buyer"), [], price_cents=1200, bought=True)
    sold.text = "New beach set, shot at sunset. Unlock it now, babe 💋"
    shop.session.flush()
    plan = captions.write(
        shop.session,
        shop.owner.actor,
        shop.creator,
        topic="sunset beach photo shoot",
        platforms=list(PLATFORMS),
    )
    assert plan.refused == [] and set(plan.variants) == set(PLATFORMS)
    for platform, variants in plan.variants.items():
        assert len(variants) >= 2, platform
        for variant in variants:
            assert check_caption(platform, variant.text) == [], (platform, variant.text)
            assert variant.verdict in ("allow", "review")
    onlyfans = plan.variants["onlyfans"]
    assert onlyfans[0].source == "model"
    assert "#teen" not in " ".join(v.text for vs in plan.variants.values() for v in vs)
    assert any(v.source == "your best PPV" and "Unlock it now, babe" in v.text for v in onlyfans)
    instagram = plan.variants["instagram"]
    assert "#nsfw" not in instagram[0].text and "#sunsetvibes" in instagram[0].hashtags
    assert all("Unlock it now" not in v.text for v in instagram)  # no selling off-platform
    assert all(not v.hashtags for v in plan.variants["reddit"])
    assert all(len(v.text) <= 280 for v in plan.variants["x"])


def test_a_model_caption_that_compliance_blocks_is_dropped(shop: Shop) -> None:
    scripted = ScriptedProvider(
        [json.dumps({"caption": "sunset beach shoot, add me on snapchat for the rest"})],
        name="local",
    )
    ai.use_router(AIRouter(recorder=ai.recorder, providers={"local": scripted}))
    try:
        plan = captions.write(
            shop.session,
            shop.owner.actor,
            shop.creator,
            topic="sunset beach photo shoot",
            platforms=["reddit"],
        )
    finally:
        ai.use_router(None)
    texts = [v.text for v in plan.variants["reddit"]]
    assert texts and all("snapchat" not in t for t in texts)


def test_platform_rules_are_checked() -> None:
    assert check_caption("x", "a" * 281) == ["X takes at most 280 characters; this has 281."]
    assert "takes at most 3 hashtags" in check_caption("x", "hi #a #b #c #d")[0]
    assert check_caption("reddit", "hi #beach") == ["Reddit (title) takes no hashtags; this has 1."]
    assert check_caption("instagram", "new set #NSFW") == [
        "Banned or shadow-banned on Instagram: #nsfw."
    ]
    assert check_caption("onlyfans", "new set #nsfw") == []


def test_the_calendar_refuses_a_caption_its_platform_would_not_take(shop: Shop) -> None:
    day = dt.date(2026, 12, 8)
    for platform, caption in (
        ("x", "word " * 60),
        ("instagram", "beach day #onlyfans"),
        ("onlyfans", "new set, pay me on cashapp"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            calendar.plan(
                shop.session,
                shop.owner.actor,
                shop.creator,
                PlannedPostIn(day=day, hour=20, platform=platform, caption=caption),
            )
        assert refused.value.errors[0]["field"] == "caption"


def test_the_calendar_page_writes_captions_with_a_preview_each(
    client: TestClient, session: Session, shop: Shop, model: ScriptedProvider
) -> None:
    session.commit()
    csrf = log_in(client, session, shop.owner)
    page = client.post(
        f"/creators/{shop.creator.id}/captions",
        data={
            "csrf_token": csrf,
            "topic": "sunset beach photo shoot",
            "platform": "x",
            "use_model": "on",
        },
    )
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="caption-preview"') >= 2
    assert "Golden hour on the beach" in page.text and len(model.requests) == 2
    templates_only = client.post(
        f"/creators/{shop.creator.id}/captions",
        data={"csrf_token": csrf, "topic": "sunset beach photo shoot", "platform": "x"},
    )
    assert templates_only.status_code == 200 and len(model.requests) == 2
    assert "/ 280 characters" in page.text
    short = client.post(
        f"/creators/{shop.creator.id}/captions",
        data={"csrf_token": csrf, "topic": "a", "platform": "myspace"},
    )
    assert short.status_code == 422
    assert 'data-testid="error-topic"' in short.text
    assert 'data-testid="error-platform"' in short.text
