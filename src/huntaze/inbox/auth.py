"""Access aliases of the inbox domain: a saved reply named in the path, loaded through the
service for the request's actor, 404 when it is another organization's (DESIGN.md §8.1, §8.2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from huntaze.accounts.auth import PageUser
from huntaze.core.fields import ObjectId
from huntaze.core.http import DbSession
from huntaze.inbox.models import SavedReply
from huntaze.inbox.scripts import scripts

ScriptId = Annotated[ObjectId, Path(description="A saved reply of the organization.")]


def _script_for_page(script_id: ScriptId, auth: PageUser, session: DbSession) -> SavedReply:
    return scripts.get(session, auth.actor, script_id)


PageScriptFromPath = Annotated[SavedReply, Depends(_script_for_page)]
