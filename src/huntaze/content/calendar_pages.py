"""The content calendar page of a creator: when their fans pay (a week × hour heat grid drawn
on the server as SVG, with the evidence behind it), the week's planned posts, and the next free
slots at the best hours, each one click from a planned post; and captions written for a topic
per platform, each previewed and one click from a planned post (DESIGN.md §6 "Content
pipeline")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageAuth, PageUser
from huntaze.content.auth import PageIdeaFromPath, PagePlannedPostFromPath
from huntaze.content.best_times import DAY_NAMES, HOURS_PER_WEEK, BestTimes
from huntaze.content.calendar import calendar, local
from huntaze.content.captions import PLATFORMS, CaptionPlan, captions
from huntaze.content.ideas import Suggestions, ideas
from huntaze.content.schemas import IdeaIn, PlannedPostIn, PlatformName
from huntaze.content.service import vault
from huntaze.core.db import utcnow
from huntaze.core.errors import AppError
from huntaze.core.http import DbSession
from huntaze.creators.auth import PageCreatorFromPath
from huntaze.creators.models import Creator
from huntaze.creators.service import creators
from huntaze.web.forms import FormFields, FormState, parse_form
from huntaze.web.templating import render

router = APIRouter(include_in_schema=False)
PLAN_FIELDS = ("day", "hour", "platform", "caption", "vault_item_id")
CAPTION_FIELDS = ("topic", "platform", "use_model")
# Light to dark: readable as a sequence without colour vision too (each step darker).
PALETTE = ("#f4f6f8", "#d0e2f2", "#9ec5e6", "#5f9fd3", "#2f74b5", "#16477a")
CELL_W, CELL_H, LEFT, TOP = 24, 20, 40, 22

WeekStart = Annotated[dt.date | None, Query(ge=dt.date(1971, 1, 1), le=dt.date(2199, 12, 1))]


@dataclass(frozen=True, slots=True)
class HeatCell:
    """One hour of the week as the SVG draws it."""

    x: int
    y: int
    fill: str
    title: str


def hour_label(cell: int) -> str:
    """``Tue 21:00`` for an hour of the week."""
    return f"{DAY_NAMES[cell // 24]} {cell % 24:02d}:00"


def heat_cells(best: BestTimes) -> list[HeatCell]:
    """The grid's cells: a row per day, a column per hour, darker where fans pay more."""
    return [
        HeatCell(
            x=LEFT + (cell % 24) * CELL_W,
            y=TOP + (cell // 24) * CELL_H,
            fill=PALETTE[best.level(cell)],
            title=f"{hour_label(cell)}: {best.counts[cell]} events, level {best.level(cell)} of 5",
        )
        for cell in range(HOURS_PER_WEEK)
    ]


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _calendar_page(
    request: Request,
    session: DbSession,
    auth: PageAuth,
    creator: Creator,
    *,
    week_start: dt.date | None,
    form: FormState,
    caption_form: FormState | None = None,
    caption_plan: CaptionPlan | None = None,
    suggestions: Suggestions | None = None,
    idea_form: FormState | None = None,
    status: int = 200,
) -> Response:
    actor = auth.actor
    now = utcnow()
    zone = calendar.zone(session, actor)
    start = _monday(week_start or local(now, zone).date())
    best = calendar.best_times(session, actor, creator, now=now)
    slots = calendar.suggested_slots(session, actor, creator, best, now=now)
    context = {
        "creator": creator,
        "zone": zone,
        "best": best,
        "best_hours": [hour_label(cell) for cell in best.best(5)],
        "cells": heat_cells(best),
        "hours": range(0, 24, 3),
        "days": DAY_NAMES,
        "grid": {"cell_w": CELL_W, "cell_h": CELL_H, "left": LEFT, "top": TOP},
        "palette": PALETTE,
        "week": calendar.week(session, actor, creator, start=start),
        "slots": [local(slot, zone) for slot in slots],
        "clock": lambda moment: local(moment, zone).strftime("%H:%M"),
        "items": vault.items(session, actor, creator, limit=200),
        "form": form,
        "caption_form": caption_form or FormState(),
        "caption_plan": caption_plan,
        "platforms": PLATFORMS,
        "saved_ideas": ideas.saved(session, actor, creator),
        "suggestions": suggestions,
        "idea_form": idea_form or FormState(),
    }
    return render(request, "content/calendar.html", context, status=status)


@router.get("/creators/{creator_id}/calendar")
def calendar_page(
    request: Request,
    creator: PageCreatorFromPath,
    auth: PageUser,
    session: DbSession,
    week: WeekStart = None,
) -> Response:
    """The creator's best hours, the week's planned posts and the next suggested slots."""
    return _calendar_page(request, session, auth, creator, week_start=week, form=FormState())


@router.post("/creators/{creator_id}/calendar")
def plan_post(
    request: Request,
    creator: PageCreatorFromPath,
    auth: PageUser,
    session: DbSession,
    fields: FormFields,
) -> Response:
    """Plan a post at a day and hour (agency clock)."""
    values = {name: fields.get(name, "") for name in PLAN_FIELDS}
    try:
        # A blank optional field takes its default (no item, OnlyFans, no caption).
        typed = {name: value for name, value in values.items() if value or name in ("day", "hour")}
        data = parse_form(PlannedPostIn, typed, strict=False)
        post = calendar.plan(session, auth.actor, creator, data)
    except AppError as exc:
        form = FormState.failed(values, exc)
        return _calendar_page(
            request, session, auth, creator, week_start=None, form=form, status=exc.status_code
        )
    day = local(post.scheduled_at, calendar.zone(session, auth.actor)).date()
    return RedirectResponse(
        f"/creators/{creator.id}/calendar?week={_monday(day).isoformat()}#post-{post.id}",
        status_code=303,
    )


class CaptionForm(BaseModel):
    """What the post is about, the platform to write for, and whether to ask the model too
    (slower than the templates; an unticked box is absent from the form: no model)."""

    model_config = ConfigDict(extra="ignore")

    topic: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=300)]
    platform: PlatformName = "onlyfans"
    use_model: bool = False


@router.post("/creators/{creator_id}/captions")
def write_captions(
    request: Request,
    creator: PageCreatorFromPath,
    auth: PageUser,
    session: DbSession,
    fields: FormFields,
) -> Response:
    """Captions and hashtags for a topic on one platform, checked, with a preview each."""
    values = {name: fields.get(name, "") for name in CAPTION_FIELDS}
    try:
        typed = parse_form(CaptionForm, {k: v for k, v in values.items() if v})
        plan = captions.write(
            session,
            auth.actor,
            creator,
            topic=typed.topic,
            platforms=[typed.platform],
            use_model=typed.use_model,
        )
    except AppError as exc:
        return _calendar_page(
            request,
            session,
            auth,
            creator,
            week_start=None,
            form=FormState(),
            caption_form=FormState.failed(values, exc),
            status=exc.status_code,
        )
    return _calendar_page(
        request,
        session,
        auth,
        creator,
        week_start=None,
        form=FormState(),
        caption_form=FormState(values={**values, "use_model": "on" if typed.use_model else ""}),
        caption_plan=plan,
    )


@router.post("/planned-posts/{post_id}/delete")
def delete_post(post: PagePlannedPostFromPath, auth: PageUser, session: DbSession) -> Response:
    """Take a planned post off the calendar."""
    creator_id = post.creator_id
    calendar.remove(session, auth.actor, post)
    return RedirectResponse(f"/creators/{creator_id}/calendar", status_code=303)


IDEA_FIELDS = ("title", "description", "content_type", "tags", "source")


class SuggestForm(BaseModel):
    """Whether to ask the model for ideas too (an unticked box is absent: templates only)."""

    model_config = ConfigDict(extra="ignore")

    use_model: bool = False


class SlotForm(BaseModel):
    """A day and hour on the agency's clock."""

    model_config = ConfigDict(extra="ignore")

    day: Annotated[dt.date, Field(ge=dt.date(1971, 1, 1), le=dt.date(2199, 12, 30))]
    hour: Annotated[int, Field(ge=0, le=23)]


def _tag_list(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


@router.post("/creators/{creator_id}/ideas/suggest")
def suggest_ideas(
    request: Request,
    creator: PageCreatorFromPath,
    auth: PageUser,
    session: DbSession,
    fields: FormFields,
) -> Response:
    """Fresh ideas for the creator's next posts, to save or leave."""
    values = {"use_model": fields.get("use_model", "")}
    try:
        typed = parse_form(SuggestForm, {k: v for k, v in values.items() if v})
        found = ideas.suggest(session, auth.actor, creator, use_model=typed.use_model)
    except AppError as exc:
        return _calendar_page(
            request,
            session,
            auth,
            creator,
            week_start=None,
            form=FormState(),
            idea_form=FormState.failed(values, exc),
            status=exc.status_code,
        )
    return _calendar_page(
        request, session, auth, creator, week_start=None, form=FormState(), suggestions=found
    )


@router.post("/creators/{creator_id}/ideas")
def save_idea(
    request: Request,
    creator: PageCreatorFromPath,
    auth: PageUser,
    session: DbSession,
    fields: FormFields,
) -> Response:
    """Keep a suggested idea."""
    values = {name: fields.get(name, "") for name in IDEA_FIELDS}
    try:
        typed: dict[str, object] = {
            k: _tag_list(v) if k == "tags" else v for k, v in values.items() if v
        }
        ideas.save(session, auth.actor, creator, parse_form(IdeaIn, typed))
    except AppError as exc:
        return _calendar_page(
            request,
            session,
            auth,
            creator,
            week_start=None,
            form=FormState(),
            idea_form=FormState.failed(values, exc),
            status=exc.status_code,
        )
    return RedirectResponse(f"/creators/{creator.id}/calendar#ideas", status_code=303)


@router.post("/ideas/{idea_id}/discard")
def discard_idea(idea: PageIdeaFromPath, auth: PageUser, session: DbSession) -> Response:
    """Set a saved idea aside."""
    ideas.discard(session, auth.actor, idea)
    return RedirectResponse(f"/creators/{idea.creator_id}/calendar#ideas", status_code=303)


@router.post("/ideas/{idea_id}/plan")
def plan_idea(
    request: Request,
    idea: PageIdeaFromPath,
    auth: PageUser,
    session: DbSession,
    fields: FormFields,
) -> Response:
    """Turn a saved idea into a planned post at a day and hour."""
    creator = creators.get(session, auth.actor, idea.creator_id)
    values = {name: fields.get(name, "") for name in ("day", "hour")}
    try:
        slot = parse_form(SlotForm, values)
        post = ideas.plan(session, auth.actor, creator, idea, at=slot.day, hour=slot.hour)
    except AppError as exc:
        return _calendar_page(
            request,
            session,
            auth,
            creator,
            week_start=None,
            form=FormState(),
            idea_form=FormState.failed(values, exc),
            status=exc.status_code,
        )
    day = local(post.scheduled_at, calendar.zone(session, auth.actor)).date()
    return RedirectResponse(
        f"/creators/{creator.id}/calendar?week={_monday(day).isoformat()}#post-{post.id}",
        status_code=303,
    )
