"""Access aliases of the outbox: an outbound message named in the path, loaded through the
service for the request's actor, 404 when it is another organization's; and the actions a
person may take on a message, from the state machine and their role (DESIGN.md §8.1, §8.2).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from huntaze.accounts.actor import Actor
from huntaze.accounts.auth import ApiActor, PageUser
from huntaze.accounts.permissions import Permission
from huntaze.core.fields import ObjectId
from huntaze.core.http import DbSession
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.service import outbox
from huntaze.outbox.states import PersonAction, State, actions_from

MessageId = Annotated[ObjectId, Path(description="An outbound message of the organization.")]
ACTION_PERMISSIONS: dict[PersonAction, Permission] = {
    PersonAction.APPROVE: Permission.OUTBOX_APPROVE,
    PersonAction.SEND: Permission.OUTBOX_WRITE,
    PersonAction.CANCEL: Permission.OUTBOX_WRITE,
}


def allowed_actions(actor: Actor, state: State | str) -> frozenset[PersonAction]:
    """What ``actor`` may do to a message in ``state``: allowed by the machine and the role."""
    return frozenset(a for a in actions_from(state) if actor.can(ACTION_PERMISSIONS[a]))


def _message_for_api(message_id: MessageId, actor: ApiActor, session: DbSession) -> OutboundMessage:
    return outbox.get(session, actor, message_id)


def _message_for_page(message_id: MessageId, auth: PageUser, session: DbSession) -> OutboundMessage:
    return outbox.get(session, auth.actor, message_id)


OutboundMessageFromPath = Annotated[OutboundMessage, Depends(_message_for_api)]
PageOutboundMessageFromPath = Annotated[OutboundMessage, Depends(_message_for_page)]
