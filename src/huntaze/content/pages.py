"""The vault page of a creator: upload images and videos, see them as a grid of thumbnails with
how each sells, filter by folder, file, tag and price each item, set each folder's price ladder
(DESIGN.md §6 "Content pipeline"). The item page and the calendar are in ``item_pages.py`` and
``calendar_pages.py``, included here.

The upload form posts a multipart body: python-multipart spools the file (in memory while small,
then on disk) and the page hands it to the vault in chunks, so the file is never whole in memory.
Thumbnails are served by the JSON API (``/api/v1/vault/{id}/thumbnail``) to the logged-in browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageAuth, PageUser
from huntaze.content import calendar_pages, item_pages
from huntaze.content.auth import Blobs, Limits, PageVaultItemFromPath
from huntaze.content.item_pages import LadderForm
from huntaze.content.offers import offers
from huntaze.content.pricing import prices
from huntaze.content.schemas import FolderName, VaultItemUpdate
from huntaze.content.service import vault
from huntaze.core.errors import AppError, InvalidInputError, field_error
from huntaze.core.fields import PriceText
from huntaze.core.http import DbSession
from huntaze.creators.auth import PageCreatorFromPath
from huntaze.creators.models import Creator
from huntaze.creators.service import creators
from huntaze.storage.blobs import CHUNK_BYTES
from huntaze.web.forms import FormFields, FormState, parse_form
from huntaze.web.templating import render

router = APIRouter(include_in_schema=False)
router.include_router(item_pages.router)
router.include_router(calendar_pages.router)
UPLOAD_FIELDS = ("folder",)
LADDER_FIELDS = ("folder", "steps")


def _tag_list(value: object) -> object:
    if isinstance(value, str):
        return sorted({part.strip() for part in value.split(",") if part.strip()})
    return value


class ItemForm(BaseModel):
    """An item's folder, tags (comma-separated) and price (currency units, blank: not priced)."""

    model_config = ConfigDict(extra="ignore")

    folder: FolderName = ""
    tags: Annotated[list[str], BeforeValidator(_tag_list)] = []
    price: PriceText | None = None


class UploadForm(BaseModel):
    """The folder an upload goes into (blank: none)."""

    model_config = ConfigDict(extra="ignore")

    folder: FolderName = ""


async def _uploaded_file(request: Request) -> UploadFile | None:
    form = await request.form()
    found = form.get("file")
    return found if isinstance(found, UploadFile) else None


UploadedFile = Annotated[UploadFile | None, Depends(_uploaded_file)]


def _file_chunks(file: IO[bytes]) -> Iterator[bytes]:
    while chunk := file.read(CHUNK_BYTES):
        yield chunk


def _vault_page(
    request: Request,
    session: DbSession,
    auth: PageAuth,
    creator: Creator,
    *,
    folder: str | None,
    form: FormState,
    ladder_form: FormState | None = None,
    status: int = 200,
) -> Response:
    items = vault.items(session, auth.actor, creator, folder=folder, limit=200)
    context = {
        "creator": creator,
        "items": items,
        "folders": vault.folders(session, auth.actor, creator),
        "folder": folder,
        "form": form,
        "ladder_form": ladder_form or FormState(),
        "ladders": prices.ladders(session, auth.actor, creator),
        "performance": offers.performance_of(session, auth.actor, items),
    }
    return render(request, "content/vault.html", context, status=status)


@router.get("/creators/{creator_id}/vault")
def vault_page(
    request: Request,
    creator: PageCreatorFromPath,
    auth: PageUser,
    session: DbSession,
    folder: Annotated[FolderName | None, Query()] = None,
) -> Response:
    """The creator's vault as a grid, of one folder when ``folder`` is given."""
    return _vault_page(request, session, auth, creator, folder=folder or None, form=FormState())


@router.post("/creators/{creator_id}/vault")
def upload(
    request: Request,
    creator: PageCreatorFromPath,
    auth: PageUser,
    session: DbSession,
    fields: FormFields,
    file: UploadedFile,
    blobs: Blobs,
    limits: Limits,
) -> Response:
    """Add the chosen file to the vault (or find the item with the same content)."""
    values = {name: fields.get(name, "") for name in UPLOAD_FIELDS}
    try:
        typed = parse_form(UploadForm, values)
        if file is None or not file.filename:
            raise InvalidInputError(
                "Choose a file to upload.", errors=[field_error("file", "choose a file")]
            )
        result = vault.upload(
            session,
            auth.actor,
            creator,
            chunks=_file_chunks(file.file),
            filename=file.filename,
            blobs=blobs,
            limits=limits,
        )
        if typed.folder and result.created:
            vault.update(session, auth.actor, result.item, VaultItemUpdate(folder=typed.folder))
    except AppError as exc:
        form = FormState.failed(values, exc, fields=("file",))
        return _vault_page(
            request, session, auth, creator, folder=None, form=form, status=exc.status_code
        )
    added = "added" if result.created else "already"
    return RedirectResponse(
        f"/creators/{creator.id}/vault?{added}={result.item.id}#item-{result.item.id}",
        status_code=303,
    )


@router.post("/vault/{item_id}/edit")
def edit_item(
    request: Request,
    item: PageVaultItemFromPath,
    auth: PageUser,
    session: DbSession,
    fields: FormFields,
) -> Response:
    """File the item in a folder, tag it and price it."""
    try:
        typed = parse_form(ItemForm, fields)
        data = parse_form(
            VaultItemUpdate,
            {"folder": typed.folder, "tags": typed.tags, "price_cents": typed.price},
            renames={"price_cents": "price"},
        )
        vault.update(session, auth.actor, item, data)
    except AppError as exc:
        creator = creators.get(session, auth.actor, item.creator_id)
        form = FormState.failed({}, exc)
        return _vault_page(
            request, session, auth, creator, folder=None, form=form, status=exc.status_code
        )
    return RedirectResponse(f"/creators/{item.creator_id}/vault#item-{item.id}", status_code=303)


@router.post("/vault/{item_id}/delete")
def delete_item(
    item: PageVaultItemFromPath, auth: PageUser, session: DbSession, blobs: Blobs
) -> Response:
    """Remove the item and its files."""
    creator_id = item.creator_id
    vault.delete(session, auth.actor, item, blobs=blobs)
    return RedirectResponse(f"/creators/{creator_id}/vault", status_code=303)


@router.post("/creators/{creator_id}/vault/ladders")
def set_ladder(
    request: Request,
    creator: PageCreatorFromPath,
    auth: PageUser,
    session: DbSession,
    fields: FormFields,
) -> Response:
    """Set a folder's price ladder (no prices: remove it); the change goes in the history."""
    values = {name: fields.get(name, "") for name in LADDER_FIELDS}
    try:
        typed = parse_form(LadderForm, values)
        prices.set_ladder(
            session, auth.actor, creator, folder=typed.folder, steps_cents=typed.steps
        )
    except AppError as exc:
        form = FormState.failed(values, exc)
        return _vault_page(
            request,
            session,
            auth,
            creator,
            folder=None,
            form=FormState(),
            ladder_form=form,
            status=exc.status_code,
        )
    return RedirectResponse(f"/creators/{creator.id}/vault#ladders", status_code=303)
