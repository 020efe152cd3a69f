"""The compliance page: try a message and see why it passes or fails; manage rule additions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from huntaze.accounts.auth import PageUser
from huntaze.accounts.permissions import Permission
from huntaze.compliance.checker import rule_checker
from huntaze.compliance.highlight import highlight_spans
from huntaze.compliance.models import Direction
from huntaze.compliance.rulebook import rulebook
from huntaze.compliance.schemas import MAX_MESSAGE_CHARS
from huntaze.compliance.service import compliance
from huntaze.core.errors import InvalidInputError
from huntaze.core.http import DbSession
from huntaze.creators.service import creators
from huntaze.web.templating import register_nav, render

router = APIRouter(include_in_schema=False)
register_nav("Compliance", "/compliance", Permission.CREATORS_READ, order=80)


def _page(
    request: Request,
    auth: PageUser,
    session: DbSession,
    *,
    creator_id: str | None,
    rules_error: str | None = None,
    yaml_text: str | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response:
    stored = rulebook.rules(session, auth.actor, creator_id=creator_id)
    return render(
        request,
        "compliance/index.html",
        {
            "creators": creators.list_creators(session, auth.actor),
            "creator_id": creator_id,
            "yaml_text": yaml_text if yaml_text is not None else stored.yaml_text,
            "updated_by": stored.updated_by,
            "bundled": rule_checker.base_rules.rules,
            "rules_error": rules_error,
            "saved": saved,
            "max_chars": MAX_MESSAGE_CHARS,
        },
        status=status,
    )


@router.get("/compliance")
def compliance_page(
    request: Request, auth: PageUser, session: DbSession, creator: str | None = None
) -> Response:
    """Try a message; read the bundled rules; edit the organization's or a creator's rules."""
    return _page(request, auth, session, creator_id=creator or None)


@router.post("/compliance/try")
def try_message(
    request: Request,
    auth: PageUser,
    session: DbSession,
    text: Annotated[str, Form(max_length=MAX_MESSAGE_CHARS)],
    direction: Annotated[str, Form(pattern="^(outbound|inbound)$")] = "outbound",
    creator_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """The verdict as a fragment (HTMX) with the matched parts of the text marked."""
    verdict = compliance.check_for(
        session,
        auth.actor,
        text=text,
        direction=Direction(direction),
        creator_id=creator_id or None,
    )
    return render(
        request,
        "compliance/_verdict.html",
        {
            "verdict": verdict,
            "marked": highlight_spans(text, verdict.hits),
        },
    )


@router.post("/compliance/rules")
def save_rules(
    request: Request,
    auth: PageUser,
    session: DbSession,
    yaml_text: Annotated[str, Form(max_length=100_000)],
    creator_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Save rule additions; a bad rule is shown with its id and reason and nothing is saved."""
    scope = creator_id or None
    try:
        rulebook.save_rules(session, auth.actor, creator_id=scope, yaml_text=yaml_text)
    except InvalidInputError as exc:
        return _page(
            request,
            auth,
            session,
            creator_id=scope,
            rules_error=exc.detail,
            yaml_text=yaml_text,
            status=422,
        )
    return _page(request, auth, session, creator_id=scope, saved=True)
