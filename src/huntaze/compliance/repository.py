"""All SQL of stored compliance rule sets, scoped to one organization."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import Session

from huntaze.compliance.records import ComplianceRuleSet
from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import OrgId


class RuleSetRepository(TenantRepository[ComplianceRuleSet]):
    model = ComplianceRuleSet

    def for_scope(
        self, session: Session, org: OrgId, creator_id: str | None
    ) -> ComplianceRuleSet | None:
        """The organization's own rule set (``creator_id`` None) or one creator's."""
        stmt = self.scoped(org).where(
            ComplianceRuleSet.creator_id.is_(None)
            if creator_id is None
            else ComplianceRuleSet.creator_id == creator_id
        )
        return session.scalars(stmt).one_or_none()

    def applying_to(
        self, session: Session, org: OrgId, creator_id: str | None
    ) -> list[ComplianceRuleSet]:
        """The organization's rules and, when given, the creator's: organization first."""
        condition: ColumnElement[bool] = ComplianceRuleSet.creator_id.is_(None)
        if creator_id is not None:
            condition = or_(condition, ComplianceRuleSet.creator_id == creator_id)
        stmt = self.scoped(org).where(condition)
        rows = list(session.scalars(stmt).all())
        return sorted(rows, key=lambda row: row.creator_id is not None)

    def of_creators(self, session: Session, org: OrgId) -> list[ComplianceRuleSet]:
        """Every creator's rule set in the organization."""
        stmt = self.scoped(org).where(ComplianceRuleSet.creator_id.is_not(None))
        return list(session.scalars(stmt).all())


rule_sets = RuleSetRepository()
