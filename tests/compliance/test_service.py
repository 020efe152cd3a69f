"""The organization-aware compliance service: bundled, organization and creator rules, the fan's
sending limits, and stored rules that no longer load."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session
from tests.factories import make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.compliance.models import Delivery, Direction, FanContext, Outcome
from huntaze.compliance.policy import can_override
from huntaze.compliance.records import ComplianceRuleSet
from huntaze.compliance.rulebook import rulebook
from huntaze.compliance.service import BROKEN_RULES_ID, compliance
from huntaze.core.errors import InvalidInputError
from huntaze.core.tenancy import trusted_org_id

NO_VENMO = """
rules:
  - id: acme.no_venmo
    category: off_platform_payment
    severity: block
    overridable: false
    reason: Our agency never takes Venmo.
    keywords: ["venmo"]
"""
LIMITS = """
rules:
  - id: acme.cap
    category: sending_limits
    severity: block
    direction: outbound
    reason: At most two messages a day to one fan.
    detector: daily_cap
    params: {max_per_day: 2}
  - id: acme.night
    category: sending_limits
    severity: block
    direction: outbound
    reason: Nothing at night.
    detector: quiet_hours
    params: {start: "22:00", end: "08:00", timezone: Europe/Paris}
"""
NOON = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
MIDNIGHT_IN_PARIS = dt.datetime(2026, 3, 10, 23, 0, tzinfo=dt.UTC)


def test_organization_rule_blocks_and_cannot_be_overridden(session: Session) -> None:
    org = make_org(session)
    owner = make_member(session, org, Role.OWNER)
    creator = make_creator(session, owner)
    rulebook.save_rules(session, owner.actor, creator_id=None, yaml_text=NO_VENMO)
    verdict = compliance.check(
        session,
        org=owner.actor.org,
        creator_id=creator.id,
        text="just pay me on venmo",
        direction=Direction.OUTBOUND,
    )
    assert verdict.verdict is Outcome.BLOCK
    assert "acme.no_venmo" in {hit.rule for hit in verdict.hits}
    assert not can_override(verdict, "owner")
    other_org = make_member(session, make_org(session), Role.OWNER)
    elsewhere = compliance.check(
        session,
        org=other_org.actor.org,
        creator_id=None,
        text="just pay me on venmo",
        direction=Direction.OUTBOUND,
    )
    assert "acme.no_venmo" not in {hit.rule for hit in elsewhere.hits}


def test_creator_rule_applies_to_that_creator_only(session: Session) -> None:
    org = make_org(session)
    owner = make_member(session, org, Role.OWNER)
    luna, mia = make_creator(session, owner, name="Luna"), make_creator(session, owner, name="Mia")
    rulebook.save_rules(session, owner.actor, creator_id=luna.id, yaml_text=NO_VENMO)
    rules = {
        creator.id: {
            hit.rule
            for hit in compliance.check(
                session,
                org=owner.actor.org,
                creator_id=creator.id,
                text="venmo works",
                direction=Direction.INBOUND,
            ).hits
        }
        for creator in (luna, mia)
    }
    assert "acme.no_venmo" in rules[luna.id]
    assert "acme.no_venmo" not in rules[mia.id]


def test_sending_limits_read_the_rule_params_and_the_fan(session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    rulebook.save_rules(session, owner.actor, creator_id=None, yaml_text=LIMITS)

    def rules(fan: FanContext | None, now: dt.datetime) -> set[str]:
        verdict = compliance.check(
            session,
            org=owner.actor.org,
            creator_id=None,
            text="hi babe",
            direction=Direction.OUTBOUND,
            delivery=Delivery(fan=fan, now=now),
        )
        return {hit.rule for hit in verdict.hits}

    assert rules(FanContext("7", messages_sent_today=1), NOON) == set()
    assert rules(FanContext("7", messages_sent_today=2), NOON) == {"acme.cap"}
    assert rules(None, MIDNIGHT_IN_PARIS) == {"acme.night"}
    # The fan's own time zone, when known, is where quiet hours are read: 23:00 UTC is 18:00 in
    # New York.
    assert rules(FanContext("7", timezone="America/New_York"), MIDNIGHT_IN_PARIS) == set()


def test_without_a_delivery_no_sending_limit_applies(session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    rulebook.save_rules(session, owner.actor, creator_id=None, yaml_text=LIMITS)
    verdict = compliance.check(
        session, org=owner.actor.org, creator_id=None, text="hi", direction=Direction.OUTBOUND
    )
    assert verdict.hits == ()


def test_check_before_send_runs_only_the_sending_limits(session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    rulebook.save_rules(session, owner.actor, creator_id=None, yaml_text=LIMITS + NO_VENMO[8:])
    verdict = compliance.check_before_send(
        session,
        org=owner.actor.org,
        creator_id=None,
        text="pay me on venmo",
        delivery=Delivery(fan=FanContext("7", messages_sent_today=5), now=MIDNIGHT_IN_PARIS),
    )
    assert {hit.rule for hit in verdict.hits} == {"acme.cap", "acme.night"}
    assert verdict.verdict is Outcome.BLOCK


def test_stored_rules_that_no_longer_load_block_instead_of_being_skipped(
    session: Session,
) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    # Saved before customer patterns ran on RE2: a lookahead it cannot compile.
    stale = NO_VENMO.replace('keywords: ["venmo"]', "patterns: ['venmo(?= )']")
    session.add(
        ComplianceRuleSet(
            organization_id=owner.organization.id, yaml_text=stale, updated_by="before"
        )
    )
    session.flush()
    verdict = compliance.check(
        session,
        org=trusted_org_id(owner.organization.id),
        creator_id=None,
        text="hello",
        direction=Direction.OUTBOUND,
    )
    assert verdict.verdict is Outcome.BLOCK
    hit = verdict.hits[-1]
    assert hit.rule == BROKEN_RULES_ID
    assert "acme.no_venmo" in (hit.detail or "")


def test_a_rule_id_used_by_the_organization_is_refused_for_a_creator(session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner)
    rulebook.save_rules(session, owner.actor, creator_id=None, yaml_text=NO_VENMO)
    with pytest.raises(InvalidInputError, match=r"acme\.no_venmo"):
        rulebook.save_rules(session, owner.actor, creator_id=creator.id, yaml_text=NO_VENMO)
