"""Checks in the context of an organization: bundled rules plus its own and its creators'.

The engine (``service.py``) is pure; this module adds what only the database knows: which rule
additions apply, who may edit them, and the audit trail (DESIGN.md §7, §8.3).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit
from huntaze.accounts.permissions import Permission
from huntaze.compliance.models import CheckContext, Direction, Verdict
from huntaze.compliance.records import ComplianceRuleSet
from huntaze.compliance.repository import rule_sets
from huntaze.compliance.rules import RuleSet, RuleValidationError
from huntaze.compliance.service import compliance
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
rules: []
"""


@dataclass(frozen=True, slots=True)
class StoredRules:
    """The YAML of one scope's rules and who last changed it (empty when never saved)."""

    yaml_text: str
    updated_by: str | None
    creator_id: str | None


def _declares_rules(yaml_text: str) -> bool:
    """Whether the text holds any rule; an empty set (``rules: []``, only comments) adds none."""
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError:
        return True  # let the rule loader report the syntax error
    if data is None:
        return False
    return not (isinstance(data, dict) and data.get("rules") in (None, []) and len(data) <= 1)


class RulebookService:
    """Applies and keeps the organization's and creators' rule additions."""

    def _load(self, row: ComplianceRuleSet) -> RuleSet:
        name = (
            f"creator:{row.creator_id}" if row.creator_id else f"organization:{row.organization_id}"
        )
        return compliance.load_rules(row.yaml_text, name=name)

    def extra_rules(self, session: Session, org: OrgId, creator_id: str | None) -> list[RuleSet]:
        """The validated additions that apply to a message of ``creator_id`` in ``org``."""
        rows = rule_sets.applying_to(session, org, creator_id)
        return [self._load(row) for row in rows if _declares_rules(row.yaml_text)]

    def check(
        self,
        session: Session,
        actor: Actor,
        *,
        text: str,
        direction: Direction,
        creator_id: str | None = None,
        context: CheckContext | None = None,
    ) -> Verdict:
        """Check a text for the actor's organization (and a creator of it, when given)."""
        if creator_id is not None:
            creators.get(session, actor, creator_id)
        extra = self.extra_rules(session, actor.org, creator_id)
        return compliance.check(text, direction=direction, context=context, extra_rules=extra)

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
                compliance.load_rules(yaml_text, name="candidate")
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


rulebook = RulebookService()
