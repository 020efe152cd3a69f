"""JSON API of compliance: check a message, read and replace rule additions (DESIGN.md §7)."""

from __future__ import annotations

from fastapi import APIRouter

from huntaze.accounts.auth import ApiActor
from huntaze.compliance.models import Direction
from huntaze.compliance.rulebook import StoredRules, rulebook
from huntaze.compliance.schemas import CheckRequest, RulesIn, RulesOut, VerdictOut
from huntaze.compliance.service import compliance
from huntaze.core.http import DbSession, reads_only
from huntaze.creators.auth import CreatorFromPath

router = APIRouter(tags=["compliance"])


def _rules_out(stored: StoredRules) -> RulesOut:
    return RulesOut(
        creator_id=stored.creator_id, yaml_text=stored.yaml_text, updated_by=stored.updated_by
    )


@router.post("/compliance/check", response_model=VerdictOut)
@reads_only
def check_message(body: CheckRequest, actor: ApiActor, session: DbSession) -> VerdictOut:
    """The verdict on a text with every rule hit, its reason and its span in the text."""
    verdict = compliance.check_for(
        session,
        actor,
        text=body.text,
        direction=Direction(body.direction),
        creator_id=body.creator_id,
    )
    return VerdictOut.model_validate(verdict.to_json_dict())


@router.get("/compliance/rules", response_model=RulesOut)
def organization_rules(actor: ApiActor, session: DbSession) -> RulesOut:
    """The organization's own rules, added to the bundled ones."""
    return _rules_out(rulebook.rules(session, actor, creator_id=None))


@router.put("/compliance/rules", response_model=RulesOut)
def replace_organization_rules(body: RulesIn, actor: ApiActor, session: DbSession) -> RulesOut:
    """Replace the organization's rules; an invalid rule is refused with its id and reason."""
    return _rules_out(
        rulebook.save_rules(session, actor, creator_id=None, yaml_text=body.yaml_text)
    )


@router.get("/creators/{creator_id}/compliance-rules", response_model=RulesOut)
def creator_rules(creator: CreatorFromPath, actor: ApiActor, session: DbSession) -> RulesOut:
    """One creator's own rules, added to the organization's."""
    return _rules_out(rulebook.rules(session, actor, creator_id=creator.id))


@router.put("/creators/{creator_id}/compliance-rules", response_model=RulesOut)
def replace_creator_rules(
    creator: CreatorFromPath, body: RulesIn, actor: ApiActor, session: DbSession
) -> RulesOut:
    """Replace one creator's rules."""
    return _rules_out(
        rulebook.save_rules(session, actor, creator_id=creator.id, yaml_text=body.yaml_text)
    )
