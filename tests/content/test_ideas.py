"""Post ideas: drawn from the creator's topics, best sellers, the season and the dates ahead,
compliance-checked; saved, discarded, or turned into a planned post — as a service and on the
calendar page."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.ai.doubles import ScriptedProvider
from tests.content.sales import Shop, make_shop
from tests.factories import log_in

from huntaze.ai.router import AIRouter
from huntaze.ai.service import ai
from huntaze.content.ideas import ideas, occasions
from huntaze.content.models import ContentIdea, PlannedPost
from huntaze.core.errors import InvalidInputError
from huntaze.storage.blobs import LocalBlobStore


@pytest.fixture
def shop(session: Session, tmp_path: Path) -> Shop:
    made = make_shop(session, LocalBlobStore(tmp_path))
    made.creator.topics = ["beach", "yoga"]
    return made


def test_occasions_are_the_season_and_the_dates_ahead() -> None:
    assert occasions(dt.date(2026, 12, 1)) == [
        "winter",
        "Christmas (25 Dec)",
        "New Year's Eve (31 Dec)",
    ]
    assert occasions(dt.date(2026, 12, 20))[1:] == [
        "New Year (01 Jan)",
        "Christmas (25 Dec)",
        "New Year's Eve (31 Dec)",
    ]
    assert occasions(dt.date(2026, 5, 1)) == ["spring"]


def test_ideas_are_suggested_saved_discarded_and_planned(shop: Shop) -> None:
    actor = shop.owner.actor
    found = ideas.suggest(shop.session, actor, shop.creator, count=4, today=dt.date(2026, 12, 1))
    titles = [idea.title for idea in found.ideas]
    assert titles[0] == "Beach for Christmas" and "Yoga for New Year's Eve" in titles
    assert any(idea.content_type == "video" for idea in found.ideas)
    first = ideas.save(shop.session, actor, shop.creator, found.ideas[0])
    second = ideas.save(shop.session, actor, shop.creator, found.ideas[1])
    again = ideas.suggest(shop.session, actor, shop.creator, today=dt.date(2026, 12, 1))
    assert first.title not in [idea.title for idea in again.ideas]  # saved: not suggested again
    ideas.discard(shop.session, actor, second)
    assert [i.id for i in ideas.saved(shop.session, actor, shop.creator)] == [first.id]
    post = ideas.plan(shop.session, actor, shop.creator, first, at=dt.date(2026, 12, 8), hour=20)
    assert first.state == "planned" and first.planned_post_id == post.id
    assert post.caption.startswith("Beach for Christmas.")
    with pytest.raises(InvalidInputError):
        ideas.plan(shop.session, actor, shop.creator, first, at=dt.date(2026, 12, 8), hour=21)


def test_the_models_ideas_come_first(shop: Shop) -> None:
    answer = {
        "ideas": [
            {"title": "Sunrise yoga flow", "format": "video", "hook": "Stretch with me at dawn"},
            {"title": "Beach picnic", "format": "photo", "hook": "A lazy afternoon by the sea"},
        ]
    }
    model = ScriptedProvider([json.dumps(answer)], name="local")
    ai.use_router(AIRouter(recorder=ai.recorder, providers={"local": model}))
    try:
        found = ideas.suggest(
            shop.session, shop.owner.actor, shop.creator, use_model=True, today=dt.date(2026, 5, 1)
        )
    finally:
        ai.use_router(None)
    assert [(i.title, i.source) for i in found.ideas[:2]] == [
        ("Sunrise yoga flow", "model"),
        ("Beach picnic", "model"),
    ]


def test_an_idea_compliance_blocks_is_not_shown(shop: Shop) -> None:
    shop.creator.topics = ["cashapp tips"]
    found = ideas.suggest(shop.session, shop.owner.actor, shop.creator, today=dt.date(2026, 5, 1))
    assert found.ideas == [] and found.refused


def test_the_calendar_page_suggests_saves_and_plans_ideas(
    client: TestClient, session: Session, shop: Shop
) -> None:
    session.commit()
    csrf = log_in(client, session, shop.owner)
    page = client.post(f"/creators/{shop.creator.id}/ideas/suggest", data={"csrf_token": csrf})
    assert page.status_code == 200 and 'data-testid="idea-suggestion"' in page.text
    saved = client.post(
        f"/creators/{shop.creator.id}/ideas",
        data={
            "csrf_token": csrf,
            "title": "Beach at dawn",
            "description": "Soft light set",
            "content_type": "photo",
            "tags": "beach, dawn",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    idea = session.scalars(select(ContentIdea)).one()
    assert idea.tags == ["beach", "dawn"] and idea.source == "template"
    bad = client.post(
        f"/creators/{shop.creator.id}/ideas",
        data={"csrf_token": csrf, "title": "", "content_type": "opera"},
    )
    assert bad.status_code == 422
    planned = client.post(
        f"/ideas/{idea.id}/plan",
        data={"csrf_token": csrf, "day": "2026-12-08", "hour": "19"},
        follow_redirects=False,
    )
    assert planned.status_code == 303, planned.text
    post = session.scalars(select(PlannedPost)).one()
    assert post.scheduled_at == dt.datetime(2026, 12, 8, 19, tzinfo=dt.UTC)
    gone = client.post(f"/ideas/{idea.id}/discard", data={"csrf_token": csrf})
    assert gone.status_code in (200, 303)
