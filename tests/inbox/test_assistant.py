"""The assistant in the conversation and the replies written from it: a fan who may be a
minor, who asks to meet or to pay off the platform is flagged to a person and nothing written
there is sent before a manager approves it (issue 15, acceptance 2); a suggestion used as it
was or edited keeps its provenance; a reply already sending is never edited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.inbox.helpers import fan_who_wrote
from tests.outbox.helpers import Agency, make_agency

from huntaze.core.errors import ConflictError, PermissionDeniedError
from huntaze.inbox.assistant import DRAFT_MODEL, AssistantService, assistant, edit_distance
from huntaze.inbox.models import ReplyOrigin
from huntaze.inbox.replies import ReplyIn, replies
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.service import HELD_RULE, outbox


@pytest.fixture
def agency(session: Session) -> Agency:
    return make_agency(session)


@pytest.mark.parametrize(
    ("texts", "risk"),
    [
        (("hey gorgeous", "btw im 16 is that ok"), "possible_minor"),
        (("can we meet up irl this weekend? i'm in your city",), "meeting"),
        (("can i just pay you on cashapp instead, it's cheaper",), "off_platform"),
    ],
    ids=["minor", "meeting", "off-platform"],
)
def test_a_risky_fan_is_flagged_and_a_chatter_cannot_send_there(
    session: Session, agency: Agency, texts: tuple[str, ...], risk: str
) -> None:
    fan = fan_who_wrote(session, agency, *texts)
    suggestion = assistant.suggest(session, agency.chatter.actor, fan)
    assert suggestion is not None
    assert risk in suggestion.risks and suggestion.needs_manager and suggestion.reason
    if risk == "possible_minor":
        assert suggestion.drafts == ()
    text = suggestion.drafts[0].text if suggestion.drafts else "let's keep chatting here"
    done = replies.reply(
        session,
        agency.chatter.actor,
        fan,
        ReplyIn(text=text, price_cents=None, send=True, suggested=text),
    )
    message = done.message
    assert done.held_for_manager
    assert (message.state, message.compliance_outcome) == ("draft", "review")
    assert HELD_RULE in [hit["rule"] for hit in message.compliance_verdict["hits"]]
    with pytest.raises(PermissionDeniedError):
        outbox.approve(session, agency.chatter.actor, message.id)
    assert outbox.approve(session, agency.manager.actor, message.id).state == "approved"


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("im 16 is that ok", "possible_minor"),
        ("can we meet up irl this weekend?", "meeting"),
        ("can i just pay you on cashapp instead", "off_platform"),
    ],
)
def test_the_rules_alone_flag_a_conversation_while_the_model_loads(
    session: Session, agency: Agency, text: str, risk: str
) -> None:
    fan = fan_who_wrote(session, agency, "hi", text)
    reading = assistant.rules_reading(session, agency.chatter.actor, fan)
    assert reading is not None and risk in reading.risks and reading.needs_manager
    assert reading.drafts == ()
    calm = fan_who_wrote(session, agency, "how was your day?", name="Leo")
    quiet = assistant.rules_reading(session, agency.chatter.actor, calm)
    assert quiet is not None and not quiet.needs_manager


def test_a_manager_answers_a_flagged_conversation_directly(
    session: Session, agency: Agency
) -> None:
    fan = fan_who_wrote(session, agency, "can we meet up irl this weekend?")
    done = replies.reply(
        session,
        agency.manager.actor,
        fan,
        ReplyIn(text="I only chat here, love, but I'm all yours here", price_cents=None, send=True),
    )
    assert not done.held_for_manager
    assert done.message.state == "queued"


def test_a_suggestion_used_or_edited_keeps_its_provenance(session: Session, agency: Agency) -> None:
    fan = fan_who_wrote(session, agency, "hey, how was your day?")
    suggestion = assistant.suggest(session, agency.chatter.actor, fan)
    assert suggestion is not None and not suggestion.needs_manager
    assert suggestion.intent and suggestion.drafts
    best = suggestion.drafts[0].text
    as_is = replies.reply(
        session,
        agency.chatter.actor,
        fan,
        ReplyIn(text=best, price_cents=None, send=True, suggested=best),
    ).message
    edited = replies.reply(
        session,
        agency.chatter.actor,
        fan,
        ReplyIn(text=best + " Miss you!", price_cents=None, send=False, suggested=best),
    ).message
    invented = replies.reply(
        session,
        agency.chatter.actor,
        fan,
        ReplyIn(text="hi", price_cents=None, send=False, suggested="a draft nobody made"),
    ).message
    assert (as_is.author_kind, as_is.ai_model, as_is.state) == (
        "ai_draft_approved",
        DRAFT_MODEL,
        "queued",
    )
    assert as_is.approved_by_user_id == agency.chatter.user.id and as_is.ai_prompt_version
    assert invented.author_kind == "person" and invented.ai_model is None
    origins = {o.outbound_message_id: o for o in session.scalars(select(ReplyOrigin))}
    assert (origins[as_is.id].origin, origins[as_is.id].edit_distance) == ("ai_draft", 0)
    assert (origins[edited.id].origin, origins[edited.id].edit_distance) == ("ai_draft", 10)
    assert origins[invented.id].origin == "person"


def test_a_waiting_reply_is_edited_but_one_already_sending_is_not(
    session: Session, agency: Agency
) -> None:
    fan = fan_who_wrote(session, agency, "hello?")
    actor = agency.chatter.actor
    first = replies.reply(session, actor, fan, ReplyIn("hi!", None, send=False)).message
    second = replies.reply(
        session, actor, fan, ReplyIn("hi there!", None, send=False, replaces=first.id)
    ).message
    assert (first.state, second.state) == ("cancelled", "draft")
    sending = replies.reply(session, actor, fan, ReplyIn("on its way", None, send=True)).message
    sending.state = "sending"
    session.flush()
    before = session.scalars(select(OutboundMessage)).all()
    with pytest.raises(ConflictError, match="already sending"):
        replies.reply(
            session, actor, fan, ReplyIn("changed", None, send=False, replaces=sending.id)
        )
    assert session.scalars(select(OutboundMessage)).all() == before


def test_the_assistant_warms_up_off_the_request() -> None:
    fresh = AssistantService()
    assert fresh.ready(wait_s=600)
    assert fresh.ready(wait_s=0)


def test_edit_distance_counts_characters_and_stays_cheap() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert edit_distance("a" * 700, "b" * 10_000) == 10_000


def test_a_reading_is_reused_until_the_fan_writes_again(
    session: Session, agency: Agency, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reply written a minute after the conversation opened does not read it again."""
    import datetime as dt

    from huntaze.fans.service import AccountRef
    from huntaze.inbox.ingest import ingest_messages
    from huntaze.platforms.base import PlatformMessage

    fan = fan_who_wrote(session, agency, "hey, what's new this week?")
    service = AssistantService()
    readings: list[str] = []
    real = service._suggest

    def counted(*args: object, **kwargs: object) -> object:
        readings.append("read")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "_suggest", counted)
    first = service.suggest(session, agency.chatter.actor, fan)
    again = service.suggest(session, agency.chatter.actor, fan)
    assert first is not None and again is first and readings == ["read"]
    ref = AccountRef(
        org=agency.owner.actor.org,
        account_id=agency.account.id,
        creator_id=agency.account.creator_id,
    )
    ingest_messages(
        session,
        ref,
        [
            PlatformMessage(
                platform_message_id=f"{fan.platform_fan_id}-later",
                platform_fan_id=fan.platform_fan_id,
                direction="inbound",
                text="btw im 16",
                sent_at=dt.datetime.now(dt.UTC),
            )
        ],
    )
    later = service.suggest(session, agency.chatter.actor, fan)
    assert later is not None and later is not first and readings == ["read", "read"]
    assert "possible_minor" in later.risks
