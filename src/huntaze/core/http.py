"""Request-scoped plumbing shared by every router: the database session of a request.

The session commits once, after the endpoint returns and before the response is sent, so a
failed commit is reported to the client and a failed request leaves no partial rows. A request
that answers with an error without raising (a page showing a form's errors) marks itself with
:func:`roll_back_request`, and its session rolls back instead of committing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from huntaze.core.db import Database


def request_database(request: Request) -> Database:
    """The database the application was built with."""
    database: Database = request.app.state.database
    return database


def roll_back_request(request: Request) -> None:
    """End this request's transaction with a rollback: it answers with an error."""
    request.state.roll_back = True


def db_session(request: Request) -> Iterator[Session]:
    """One session per request: committed on success, rolled back on any error."""
    with request_database(request).session_scope() as session:
        request.state.db_session = session
        yield session
        if getattr(request.state, "roll_back", False):
            session.rollback()


DbSession = Annotated[Session, Depends(db_session, scope="function")]


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy, configure uvicorn's)."""
    return request.client.host if request.client else "unknown"
