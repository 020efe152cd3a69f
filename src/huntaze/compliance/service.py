"""The compliance service: the one entry point every domain calls (DESIGN.md §7, §2.4).

Every text, whoever wrote it and whichever way it goes, is checked by
:meth:`ComplianceService.check` with the bundled rules, the organization's own rules and the
creator's; a message on its way to fans (a :class:`~huntaze.compliance.models.Delivery`) is
also checked against the rules on the sending context, with what is known of the fan
(:class:`~huntaze.compliance.models.FanContext`). Just before a message leaves, the sender calls
:meth:`ComplianceService.check_before_send`, which runs again the rules that depend on time and
state (daily caps, quiet hours, opt-out, PPV gap): they may have changed since the message was
written and approved.

The bare checker (:mod:`huntaze.compliance.checker`) belongs to this domain alone; an
architecture test keeps other domains from calling it, so that no send path can forget an
organization's rules. A stored rule set that no longer loads blocks (overridable) rather than
being skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.compliance.checker import rule_checker
from huntaze.compliance.engine import CompiledRules
from huntaze.compliance.models import (
    CheckContext,
    Delivery,
    Direction,
    Hit,
    Severity,
    Verdict,
    outcome_of,
)
from huntaze.compliance.rulebook import BrokenRuleSet, rulebook
from huntaze.compliance.semantic import with_semantic_tier
from huntaze.core.db import utcnow
from huntaze.core.tenancy import OrgId
from huntaze.creators.service import creators

BROKEN_RULES_ID = "rulebook.unusable"


def sending_context(delivery: Delivery) -> CheckContext:
    """The engine's view of one send: the moment, the offer, and what is known of the fan."""
    now = delivery.now or utcnow()
    fan = delivery.fan
    if fan is None:
        return CheckContext(now=now, is_ppv=delivery.is_ppv)
    return CheckContext(
        now=now,
        is_ppv=delivery.is_ppv,
        messages_sent_today=fan.messages_sent_today,
        last_ppv_at=fan.last_ppv_at,
        fan_opted_out=fan.opted_out,
        fan_timezone=fan.timezone,
    )


def _broken_hit(broken: BrokenRuleSet) -> Hit:
    return Hit(
        rule=BROKEN_RULES_ID,
        category="configuration",
        severity=Severity.BLOCK,
        reason=f"{broken.scope.capitalize()} cannot be applied; fix them on the compliance page.",
        detail=broken.reason,
    )


class ComplianceService:
    """Checks texts with everything that applies to an organization, a creator and a fan."""

    def _rules(
        self, session: Session, org: OrgId, creator_id: str | None, direction: Direction
    ) -> tuple[CompiledRules, tuple[Hit, ...]]:
        applicable = rulebook.applicable(session, org, creator_id)
        compiled = rule_checker.compiled(direction, applicable.rule_sets)
        return compiled, tuple(_broken_hit(broken) for broken in applicable.broken)

    def check(
        self,
        session: Session,
        *,
        org: OrgId,
        creator_id: str | None,
        text: str,
        direction: Direction,
        delivery: Delivery | None = None,
        semantic: bool = False,
        history: Sequence[str] = (),
    ) -> Verdict:
        """Check one text with the bundled, the organization's and the creator's rules, and, for
        a ``delivery`` to fans, the sending limits (caps, quiet hours, opt-out, PPV gap). With
        ``semantic``, the semantic tier also reads it where the rules did not block it; its
        findings ask for review (``history``: the writer's earlier messages, oldest first)."""
        compiled, broken = self._rules(session, org, creator_id, direction)
        context = (
            sending_context(delivery)
            if delivery is not None and direction is Direction.OUTBOUND
            else None
        )
        verdict = compiled.check(text, context)
        if semantic:
            verdict = with_semantic_tier(verdict, history=history)
        return _with_hits(verdict, broken)

    def check_many(
        self,
        session: Session,
        *,
        org: OrgId,
        creator_id: str | None,
        texts: Iterable[str],
        direction: Direction,
        delivery: Delivery | None = None,
    ) -> dict[str, Verdict]:
        """:meth:`check` for many texts under the same rules and delivery (a campaign's batch):
        the applicable rules are looked up once; each distinct text is checked once."""
        compiled, broken = self._rules(session, org, creator_id, direction)
        context = (
            sending_context(delivery)
            if delivery is not None and direction is Direction.OUTBOUND
            else None
        )
        return {
            text: _with_hits(compiled.check(text, context), broken) for text in dict.fromkeys(texts)
        }

    def check_before_send(
        self,
        session: Session,
        *,
        org: OrgId,
        creator_id: str | None,
        text: str,
        delivery: Delivery,
    ) -> Verdict:
        """Run again, just before sending, the rules that depend on time and state."""
        compiled, broken = self._rules(session, org, creator_id, Direction.OUTBOUND)
        verdict = compiled.check_sending_limits(text, sending_context(delivery))
        return _with_hits(verdict, broken)

    def check_for(
        self,
        session: Session,
        actor: Actor,
        *,
        text: str,
        direction: Direction,
        creator_id: str | None = None,
    ) -> Verdict:
        """A text checked for the actor's organization and, when given, one of its creators
        (404 if it is not the organization's): what the compliance page and API show."""
        if creator_id is not None:
            creators.get(session, actor, creator_id)
        return self.check(
            session, org=actor.org, creator_id=creator_id, text=text, direction=direction
        )


def _with_hits(verdict: Verdict, extra: tuple[Hit, ...]) -> Verdict:
    if not extra:
        return verdict
    hits = (*verdict.hits, *extra)
    return verdict.model_copy(update={"hits": hits, "verdict": outcome_of(hits)})


def warm_up() -> threading.Thread:
    """Compile the bundled rules for both directions in the background, so that a fresh
    worker's first send does not wait seconds for them (started by workers and ``up``)."""

    def compile_both() -> None:
        for direction in Direction:
            rule_checker.compiled(direction)

    thread = threading.Thread(target=compile_both, name="compliance-warm-up", daemon=True)
    thread.start()
    return thread


compliance = ComplianceService()
