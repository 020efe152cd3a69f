"""An organization's and its creators' own rules: which apply, who may edit them, the audit.

The checker (``checker.py``) is pure; this module adds what only the database knows: which rule
additions apply to a message, who may edit them, and the audit trail (DESIGN.md §7, §8.3).
Domains do not call it: they call :mod:`huntaze.compliance.service`, which uses it.

A stored rule set that no longer loads (saved under older validation, or now clashing with
another scope's rule ids) is never skipped silently: it is reported as :class:`BrokenRuleSet`,
and the service turns that into a blocking hit until someone fixes the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit
from huntaze.accounts.permissions import Permission
from huntaze.compliance.checker import rule_checker
from huntaze.compliance.records import ComplianceRuleSet
from huntaze.compliance.repository import rule_sets
from huntaze.compliance.rules import RuleSet, RuleValidationError, check_compatible, read_yaml
from huntaze.core.errors import InvalidInputError, field_error
from huntaze.core.tenancy import OrgId
from huntaze.creators.service import creators

EXAMPLE_RULES = """\
# Your own rules, added to the bundled ones. Example:
# rules:
#   - id: acme.no_discounts
#     category: sales_policy
#     severity: review
#     direction: outbound
#     reason: Discounts above 50% need a manager.
#     keywords: ["70% off", "80% off", "free forever"]
#   - id: acme.daily_cap
#     category: sending_limits
#     severity: block
#     direction: outbound
#     reason: At most three messages a day to one fan.
#     detector: daily_cap            # also quiet_hours, ppv_gap, opted_out
#     params: {max_per_day: 3}       # quiet_hours: {start: "22:00", end: "08:00", timezone: UTC}
#                                    # ppv_gap: {min_minutes: 240}
# Patterns use RE2 syntax (no lookarounds, no backreferences).
rules: []
"""


@dataclass(frozen=True, slots=True)
class StoredRules:
    """The YAML of one scope's rules and who last changed it (empty when never saved)."""

    yaml_text: str
    updated_by: str | None
    creator_id: str | None


@dataclass(frozen=True, slots=True)
class BrokenRuleSet:
    """A stored rule set that cannot be applied, and why."""

    scope: str
    reason: str


@dataclass(frozen=True, slots=True)
class ApplicableRules:
    """The rule additions that apply to one message, and the stored ones that cannot."""

    rule_sets: tuple[RuleSet, ...]
    broken: tuple[BrokenRuleSet, ...] = ()


def _declares_rules(yaml_text: str) -> bool:
    """Whether the text holds any rule; an empty set (``rules: []``, only comments) adds none."""
    try:
        data = read_yaml(yaml_text)
    except RuleValidationError:
        return True  # let the rule loader report the problem
    if data is None:
        return False
    return not (isinstance(data, dict) and data.get("rules") in (None, []) and len(data) <= 1)


class RulebookService:
    """Applies and keeps the organization's and creators' rule additions."""

    def applicable(self, session: Session, org: OrgId, creator_id: str | None) -> ApplicableRules:
        """The additions that apply to a message of ``creator_id`` in ``org``: the
        organization's, then the creator's; those that no longer load are reported apart."""
        loaded: list[RuleSet] = []
        broken: list[BrokenRuleSet] = []
        for row in rule_sets.applying_to(session, org, creator_id):
            if not _declares_rules(row.yaml_text):
                continue
            scope = "the creator's rules" if row.creator_id else "the organization's rules"
            try:
                rule_set = rule_checker.load_rules(row.yaml_text, name=_set_name(row))
                check_compatible((*loaded, rule_set))
            except RuleValidationError as exc:
                broken.append(BrokenRuleSet(scope=scope, reason=str(exc)))
                continue
            loaded.append(rule_set)
        return ApplicableRules(rule_sets=tuple(loaded), broken=tuple(broken))

    def rules(self, session: Session, actor: Actor, *, creator_id: str | None) -> StoredRules:
        """The stored additions of the organization or of one creator."""
        if creator_id is not None:
            creators.get(session, actor, creator_id)
        row = rule_sets.for_scope(session, actor.org, creator_id)
        if row is None:
            return StoredRules(yaml_text=EXAMPLE_RULES, updated_by=None, creator_id=creator_id)
        return StoredRules(
            yaml_text=row.yaml_text, updated_by=row.updated_by, creator_id=creator_id
        )

    def save_rules(
        self, session: Session, actor: Actor, *, creator_id: str | None, yaml_text: str
    ) -> StoredRules:
        """Validate and store rule additions; a bad rule is refused with its id and reason."""
        actor.require(Permission.COMPLIANCE_RULES_MANAGE)
        if creator_id is not None:
            creators.get(session, actor, creator_id)
        try:
            if _declares_rules(yaml_text):
                candidate = rule_checker.load_rules(yaml_text, name="candidate")
                self._refuse_clashes(session, actor.org, creator_id, candidate)
        except RuleValidationError as exc:
            where = f"rule {exc.rule_id}" if exc.rule_id else "the rule set"
            raise InvalidInputError(
                f"{where}: {exc.reason}",
                errors=[field_error("yaml_text", f"{where}: {exc.reason}")],
            ) from None
        row = rule_sets.for_scope(session, actor.org, creator_id)
        before = {"yaml_text": row.yaml_text} if row else None
        if row is None:
            row = ComplianceRuleSet(
                organization_id=actor.org,
                creator_id=creator_id,
                yaml_text=yaml_text,
                updated_by=actor.label,
            )
            session.add(row)
        else:
            row.yaml_text = yaml_text
            row.updated_by = actor.label
        session.flush()
        audit.record(
            session,
            actor,
            action="compliance.rules_save",
            target_type="compliance_rule_set",
            target_id=row.id,
            before=before,
            after={"yaml_text": yaml_text, "creator_id": creator_id},
        )
        return StoredRules(yaml_text=yaml_text, updated_by=actor.label, creator_id=creator_id)

    def _refuse_clashes(
        self, session: Session, org: OrgId, creator_id: str | None, candidate: RuleSet
    ) -> None:
        """Refuse a rule id that the other scope already defines: the organization's rules and
        a creator's are applied together."""
        others = (
            rule_sets.applying_to(session, org, None)
            if creator_id is not None
            else rule_sets.of_creators(session, org)
        )
        ids = {rule.id for rule in candidate.rules}
        for row in others:
            if row.creator_id == creator_id or not _declares_rules(row.yaml_text):
                continue
            try:
                other = rule_checker.load_rules(row.yaml_text, name=_set_name(row))
            except RuleValidationError:
                continue  # a broken set is reported when it is applied
            for rule in other.rules:
                if rule.id in ids:
                    where = "a creator's rules" if row.creator_id else "the organization's rules"
                    raise RuleValidationError(rule.id, f"this rule id is already used by {where}")


def _set_name(row: ComplianceRuleSet) -> str:
    return f"creator:{row.creator_id}" if row.creator_id else f"organization:{row.organization_id}"


rulebook = RulebookService()
