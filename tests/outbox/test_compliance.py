"""Outbound messages obey the organization's and creator's rules, on creation and at send time.

Creation: the verdict stored with a row comes from the compliance service with every rule that
applies (bundled, organization, creator), so a non-overridable organization rule cannot be
approved by anyone, through the service or the API. Send time: the worker re-checks the rules
that depend on time and state (caps, quiet hours) and leaves a stopped row ``failed`` with the
reason, before anything reaches the platform.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import api_headers
from tests.outbox.helpers import Agency, make_agency, make_message

from huntaze.compliance.rulebook import rulebook
from huntaze.core.db import utcnow
from huntaze.core.errors import PermissionDeniedError
from huntaze.outbox import sender
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.schemas import OutboundCreate
from huntaze.outbox.send_checks import stopped_before_send
from huntaze.outbox.service import outbox
from huntaze.outbox.states import Kind, State

NO_VENMO = """
rules:
  - id: acme.no_venmo
    category: off_platform_payment
    severity: block
    overridable: false
    reason: Our agency never takes Venmo.
    keywords: ["venmo"]
"""
TEXT = "Tip me on venmo and I'll send the set"


def _rules(agency: Agency, yaml_text: str, *, creator: bool = False, session: Session) -> None:
    rulebook.save_rules(
        session,
        agency.owner.actor,
        creator_id=agency.account.creator_id if creator else None,
        yaml_text=yaml_text,
    )


def _rule_ids(message: OutboundMessage) -> set[str]:
    return {hit["rule"] for hit in message.compliance_verdict["hits"]}


@pytest.mark.parametrize("creator", [False, True], ids=["organization", "creator"])
def test_non_overridable_rule_blocks_and_nobody_may_approve(
    session: Session, creator: bool
) -> None:
    agency = make_agency(session)
    _rules(
        agency,
        NO_VENMO.replace("acme.", "luna." if creator else "acme."),
        creator=creator,
        session=session,
    )
    message = make_message(session, agency, text=TEXT, approve=True, queue=True)
    assert message.compliance_outcome == "block"
    assert ("luna.no_venmo" if creator else "acme.no_venmo") in _rule_ids(message)
    for member in (agency.owner, agency.manager, agency.chatter):
        with pytest.raises(PermissionDeniedError):
            outbox.approve(session, member.actor, message.id)
    assert message.state == State.DRAFT


def test_api_stores_the_organization_verdict_and_refuses_approval(
    client: TestClient, session: Session
) -> None:
    agency = make_agency(session)
    _rules(agency, NO_VENMO, session=session)
    headers = api_headers(client, session, agency.owner)
    created = client.post(
        f"/api/v1/platform-accounts/{agency.account.id}/outbound-messages",
        json={"kind": "message", "platform_fan_id": "4", "text": TEXT},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["compliance_outcome"] == "block"
    hit = next(h for h in body["compliance_verdict"]["hits"] if h["rule"] == "acme.no_venmo")
    assert hit["overridable"] is False
    approve = client.post(f"/api/v1/outbound-messages/{body['id']}/approve", headers=headers)
    assert approve.status_code == 403
    again = client.get(f"/api/v1/outbound-messages/{body['id']}", headers=headers).json()
    assert again["state"] == "draft"


def _window(inside: bool) -> tuple[str, str]:
    """A quiet-hours window (UTC) that holds the current time, or one that does not."""
    now = utcnow()
    start = now + dt.timedelta(hours=-1 if inside else 2)
    end = now + dt.timedelta(hours=1 if inside else 3)
    return f"{start:%H:%M}", f"{end:%H:%M}"


def _quiet_hours(start: str, end: str, severity: str = "block") -> str:
    return f"""
rules:
  - id: acme.night
    category: sending_limits
    severity: {severity}
    direction: outbound
    reason: Nothing during the fans' night.
    detector: quiet_hours
    params: {{start: "{start}", end: "{end}", timezone: UTC}}
"""


CAP = """
rules:
  - id: acme.cap
    category: sending_limits
    severity: block
    direction: outbound
    reason: Two messages a day to one fan at most.
    detector: daily_cap
    params: {max_per_day: 2}
"""


def _queued(session: Session, agency: Agency, **kwargs: object) -> OutboundMessage:
    """An approved message put in ``queued`` without waking a worker (the test runs it)."""
    message = make_message(session, agency, approve=True, **kwargs)  # type: ignore[arg-type]
    assert message.state == State.APPROVED, message.compliance_verdict
    message.state = State.QUEUED.value
    session.commit()
    return message


def _sent(session: Session, agency: Agency, fan_id: str, count: int) -> None:
    """Messages already delivered to a fan today."""
    for index in range(count):
        message = make_message(session, agency, fan_id=fan_id, text=f"Hello again #{index}")
        message.state = State.SENT.value
        message.sent_at = utcnow() - dt.timedelta(minutes=index + 1)
    session.commit()


def _attempt(session: Session, message: OutboundMessage) -> OutboundMessage:
    assert sender.attempt(message.id) is None
    session.expire_all()
    return session.get(OutboundMessage, message.id)  # type: ignore[return-value]


def test_send_time_recheck_stops_a_message_in_quiet_hours(session: Session) -> None:
    agency = make_agency(session)
    message = _queued(session, agency, text="Good night kiss")
    _rules(agency, _quiet_hours(*_window(inside=True)), session=session)
    session.commit()
    row = _attempt(session, message)
    assert row.state == State.FAILED
    assert row.platform_message_id is None and row.sent_at is None
    assert "Nothing during the fans' night" in (row.last_error or "")
    assert "within quiet hours" in (row.last_error or "")
    assert row.compliance_outcome == "block"
    assert "acme.night" in _rule_ids(row)


def test_send_time_recheck_stops_a_message_over_the_daily_cap(session: Session) -> None:
    agency = make_agency(session)
    message = _queued(session, agency, fan_id="77", text="One more for you")
    _rules(agency, CAP, session=session)
    _sent(session, agency, "77", 2)
    row = _attempt(session, message)
    assert row.state == State.FAILED
    assert "2 messages already sent today; the cap is 2" in (row.last_error or "")
    assert "acme.cap" in _rule_ids(row)


def test_send_time_recheck_counts_what_this_fan_was_sent_today(session: Session) -> None:
    agency = make_agency(session)
    _rules(agency, CAP + _quiet_hours(*_window(inside=False))[8:], session=session)
    _sent(session, agency, "78", 1)
    yesterday = make_message(session, agency, fan_id="78", text="Yesterday's hello")
    yesterday.state, yesterday.sent_at = State.SENT.value, utcnow() - dt.timedelta(days=2)
    to_78 = _queued(session, agency, fan_id="78", text="Hi there")
    to_79 = _queued(session, agency, fan_id="79", text="Hi you")
    _sent(session, agency, "79", 5)
    for message in (to_78, to_79):
        message.state = State.SENDING.value
    session.commit()
    assert stopped_before_send(to_78.id) is False
    assert stopped_before_send(to_79.id) is True
    _sent(session, agency, "78", 1)
    assert stopped_before_send(to_78.id) is True


def test_a_limit_a_person_overrode_on_approval_does_not_stop_the_send(session: Session) -> None:
    agency = make_agency(session)
    _rules(agency, _quiet_hours(*_window(inside=True), severity="review"), session=session)
    message = make_message(session, agency, text="Late hello")
    assert "acme.night" in _rule_ids(message)
    outbox.approve(session, agency.manager.actor, message.id)
    message.state = State.SENDING.value
    session.commit()
    assert stopped_before_send(message.id) is False


def test_posts_have_no_sending_limits(session: Session) -> None:
    agency = make_agency(session)
    _rules(agency, _quiet_hours(*_window(inside=True)), session=session)
    post = OutboundCreate(kind=Kind.POST, text="New set this weekend")
    message = outbox.create(
        session, agency.chatter.actor, platform_account_id=agency.account.id, data=post
    )
    assert message.compliance_outcome == "allow"
    message.state = State.SENDING.value
    session.commit()
    assert stopped_before_send(message.id) is False
