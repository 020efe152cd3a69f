"""The team's pages: the shifts calendar with its settings (managers edit), my shift with the
queue and the clock, the leaderboard, and the hours and leaderboard CSV exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageAuth, PageUser
from huntaze.accounts.permissions import Permission
from huntaze.accounts.service import accounts
from huntaze.core.db import utcnow
from huntaze.core.errors import AppError
from huntaze.core.http import DbSession
from huntaze.creators.service import creators
from huntaze.team.access import creators_on_shift, membership_id_of, window_of
from huntaze.team.auth import PageMemberFromPath, PageShiftFromPath
from huntaze.team.message_log import LogFilter, message_log
from huntaze.team.performance import leaderboard
from huntaze.team.repository import assignments, time_entries
from huntaze.team.routing import routing
from huntaze.team.schedule import DAY_NAMES, describe, occurrences
from huntaze.team.schemas import CapacityIn, ShiftCreate, TeamSettingsIn
from huntaze.team.service import team
from huntaze.web.forms import FormState, parse_form
from huntaze.web.templating import register_nav, render

router = APIRouter(include_in_schema=False)
register_nav("My shift", "/my-shift", Permission.OUTBOX_WRITE, order=31)
register_nav("Shifts", "/shifts", Permission.FANS_READ, order=91)
register_nav("Leaderboard", "/leaderboard", Permission.MEMBERS_READ, order=92)
register_nav("Message log", "/message-log", Permission.TEAM_MANAGE, order=93)

SHIFT_FIELDS = ("name", "start_time", "end_time", "time_zone", "is_template")
SETTINGS_FIELDS = (
    "time_zone",
    "default_capacity",
    "idle_clock_out_minutes",
    "silent_reassign_minutes",
)
Days = Annotated[int, Query(ge=1, le=366)]


async def _lists(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    return {
        name: [v for v in form.getlist(name) if isinstance(v, str)]
        for name in ("weekdays", "creator_ids", "chatter_ids")
    }


async def _fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


FormLists = Annotated[dict[str, list[str]], Depends(_lists)]
Fields = Annotated[dict[str, str], Depends(_fields)]


def _names_of(ids: Any, table: dict[str, str]) -> str:
    return ", ".join(table.get(i, "") for i in ids if i in table)


def _week(zone: str) -> list[dt.date]:
    today = utcnow().astimezone(ZoneInfo(zone)).date()
    monday = today - dt.timedelta(days=today.weekday())
    return [monday + dt.timedelta(days=n) for n in range(7)]


def _shifts_page(
    request: Request,
    auth: PageAuth,
    session: DbSession,
    *,
    shift_form: FormState | None = None,
    settings_form: FormState | None = None,
    capacity_form: FormState | None = None,
    status: int = 200,
) -> Response:
    actor = auth.actor
    settings = team.settings(session, actor)
    views = team.shifts(session, actor)
    members = accounts.members(session, actor) if actor.can(Permission.MEMBERS_READ) else []
    names = {m.id: m.user.name for m in members}
    creator_names = {c.id: c.display_name for c in creators.list_creators(session, actor)}
    week = _week(settings.time_zone)
    zone = ZoneInfo(settings.time_zone)
    calendar: dict[str, list[list[dict[str, Any]]]] = {}
    for view in views:
        if view.shift.is_template:
            continue
        days: list[list[dict[str, Any]]] = [[] for _ in week]
        for start, end in occurrences(window_of(view.shift), week[0], 7):
            local = start.astimezone(zone)
            index = (local.date() - week[0]).days
            if 0 <= index < 7:
                days[index].append(
                    {
                        "local": f"{local:%H:%M}–{end.astimezone(zone):%H:%M}",
                        "utc": f"{start:%H:%M}–{end:%H:%M} UTC",
                    }
                )
        calendar[view.shift.id] = days
    capacities = team.capacities(session, actor, [m.id for m in members])
    context = {
        "settings": settings,
        "views": views,
        "describe": lambda v: describe(window_of(v.shift)),
        "names_of": _names_of,
        "calendar": calendar,
        "week": week,
        "day_names": DAY_NAMES,
        "members": members,
        "names": names,
        "creator_names": creator_names,
        "capacities": capacities,
        "clocked_in": time_entries.open_members(session, actor.org),
        "open_chats": assignments.open_counts(session, actor.org),
        "shift_form": shift_form or FormState(values={"start_time": "09:00", "end_time": "17:00"}),
        "settings_form": settings_form
        or FormState(values={name: str(getattr(settings, name)) for name in SETTINGS_FIELDS}),
        "capacity_form": capacity_form or FormState(),
        "now_utc": utcnow(),
    }
    return render(request, "team/shifts.html", context, status=status)


@router.get("/shifts")
def shifts_page(request: Request, auth: PageUser, session: DbSession) -> Response:
    """The week's calendar of shifts in the agency's time zone (UTC beside), and for managers
    the forms that set them up."""
    return _shifts_page(request, auth, session)


@router.post("/shifts")
def create_shift(
    request: Request, auth: PageUser, session: DbSession, fields: Fields, lists: FormLists
) -> Response:
    """Add a shift or a template."""
    values = {name: fields.get(name, "") for name in SHIFT_FIELDS}
    try:
        data = parse_form(
            ShiftCreate,
            {
                "name": values["name"],
                "weekdays": lists["weekdays"],
                "start_time": values["start_time"],
                "end_time": values["end_time"],
                "time_zone": values["time_zone"].strip() or None,
                "creator_ids": lists["creator_ids"],
                "chatter_ids": lists["chatter_ids"],
                "is_template": values["is_template"] == "on",
            },
            strict=False,
        )
        team.create_shift(session, auth.actor, data)
    except AppError as exc:
        form = FormState.failed(values, exc, fields=("weekdays", "creator_ids", "chatter_ids"))
        return _shifts_page(request, auth, session, shift_form=form, status=exc.status_code)
    return RedirectResponse("/shifts", status_code=303)


@router.post("/shifts/settings")
def save_settings(request: Request, auth: PageUser, session: DbSession, fields: Fields) -> Response:
    """Save the agency's time zone and routing rules."""
    values = {name: fields.get(name, "").strip() for name in SETTINGS_FIELDS}
    try:
        team.save_settings(session, auth.actor, parse_form(TeamSettingsIn, values, strict=False))
    except AppError as exc:
        form = FormState.failed(values, exc)
        return _shifts_page(request, auth, session, settings_form=form, status=exc.status_code)
    return RedirectResponse("/shifts", status_code=303)


@router.post("/shifts/{shift_id}/delete")
def delete_shift(shift: PageShiftFromPath, auth: PageUser, session: DbSession) -> Response:
    """Remove a shift."""
    team.delete_shift(session, auth.actor, shift.id)
    return RedirectResponse("/shifts", status_code=303)


@router.post("/shifts/{shift_id}/copy")
def copy_shift(shift: PageShiftFromPath, auth: PageUser, session: DbSession) -> Response:
    """A live shift from a template (its chatters are then added to a new shift)."""
    team.copy_template(session, auth.actor, shift.id, f"{shift.name} (copy)"[:80])
    return RedirectResponse("/shifts", status_code=303)


@router.post("/shifts/chatters/{membership_id}/capacity")
def set_capacity(
    request: Request,
    member: PageMemberFromPath,
    auth: PageUser,
    session: DbSession,
    fields: Fields,
) -> Response:
    """Set how many open chats a member holds at once."""
    values = {"capacity": fields.get("capacity", "").strip(), "member": member.id}
    try:
        data = parse_form(CapacityIn, {"capacity": values["capacity"]}, strict=False)
        team.set_capacity(session, auth.actor, member, data.capacity)
    except AppError as exc:
        form = FormState.failed(values, exc)
        return _shifts_page(request, auth, session, capacity_form=form, status=exc.status_code)
    return RedirectResponse("/shifts", status_code=303)


@router.post("/shifts/chatters/{membership_id}/extend")
def extend(member: PageMemberFromPath, auth: PageUser, session: DbSession) -> Response:
    """Extend a member's shift by 15 minutes."""
    team.extend(session, auth.actor, member)
    return RedirectResponse("/shifts", status_code=303)


@router.get("/shifts/hours.csv")
def hours_csv(auth: PageUser, session: DbSession, days: Days = 31) -> Response:
    """Clocked time of the last ``days`` days, for payroll."""
    start = (utcnow() - dt.timedelta(days=days - 1)).date()
    text = team.hours_csv(session, auth.actor, start, days)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="hours.csv"'},
    )


def _my_page(request: Request, auth: PageAuth, session: DbSession, *, note: str = "") -> Response:
    actor = auth.actor
    now = utcnow()
    membership_id = membership_id_of(session, actor)
    allowed = creators_on_shift(session, actor, now)
    creator_names = {c.id: c.display_name for c in creators.list_creators(session, actor)}
    mine = [v for v in team.shifts(session, actor, now=now) if membership_id in v.chatter_ids]
    handovers = [
        entry
        for entry in time_entries.latest_handovers(session, actor.org, 10)
        if entry.handover and entry.membership_id != membership_id
    ]
    visible_handovers = [
        (
            entry,
            [
                item
                for item in entry.handover or []
                if allowed is None or item["creator_id"] in allowed
            ],
        )
        for entry in handovers
    ]
    context = {
        "entry": team.current_entry(session, actor),
        "held": routing.held_by(session, actor),
        "waiting": routing.waiting(session, actor),
        "mine": mine,
        "describe": lambda v: describe(window_of(v.shift)),
        "names_of": _names_of,
        "allowed": allowed,
        "creator_names": creator_names,
        "handovers": [(e, items) for e, items in visible_handovers if items],
        "capacity": team.capacity_of(session, actor, membership_id) if membership_id else 0,
        "note": note,
    }
    return render(request, "team/me.html", context)


@router.get("/my-shift")
def my_shift(request: Request, auth: PageUser, session: DbSession, note: str = "") -> Response:
    """My shift: the clock, the handover of the last shift, my open chats and the queue."""
    return _my_page(request, auth, session, note=note[:200])


@router.post("/shifts/clock-in")
def clock_in(auth: PageUser, session: DbSession) -> Response:
    """Clock in."""
    team.clock_in(session, auth.actor)
    return RedirectResponse("/my-shift", status_code=303)


@router.post("/shifts/clock-out")
def clock_out(auth: PageUser, session: DbSession) -> Response:
    """Clock out: chats back to the queue, handover written."""
    team.clock_out(session, auth.actor)
    return RedirectResponse("/my-shift?note=clocked-out", status_code=303)


@router.post("/shifts/next-chat")
def next_chat(auth: PageUser, session: DbSession) -> Response:
    """Take the next chat: open it, or say why there is none."""
    found = routing.next_chat(session, auth.actor)
    if found.fan_id is None:
        return RedirectResponse("/my-shift?note=" + _note_key(found.reason), status_code=303)
    return RedirectResponse(f"/inbox/{found.fan_id}", status_code=303)


def _note_key(reason: str) -> str:
    """The key of the note ``team/me.html`` shows for why no chat was given."""
    for key, word in (("clock", "Clock in"), ("capacity", "capacity"), ("shift", "No shift")):
        if word in reason:
            return key
    return "empty"


def _period(days: int) -> tuple[dt.datetime, dt.datetime]:
    end = utcnow()
    return end - dt.timedelta(days=days), end


@router.get("/leaderboard")
def leaderboard_page(
    request: Request, auth: PageUser, session: DbSession, days: Days = 7
) -> Response:
    """Each member's messages, PPVs and revenue credited over the last days."""
    start, end = _period(days)
    rows = leaderboard(session, auth.actor, start, end)
    best = max((r.revenue_cents for r in rows), default=0) or 1
    return render(
        request,
        "team/leaderboard.html",
        {"rows": rows, "days": days, "best": best, "start": start, "end": end},
    )


@router.get("/leaderboard.csv")
def leaderboard_csv(auth: PageUser, session: DbSession, days: Days = 7) -> Response:
    """The leaderboard as CSV."""
    start, end = _period(days)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "member",
            "messages_sent",
            "median_reply_s",
            "p90_reply_s",
            "ppvs_sent",
            "ppvs_bought",
            "purchases",
            "revenue_cents",
        ]
    )
    for r in leaderboard(session, auth.actor, start, end):
        name = "'" + r.name if r.name[:1] in ("=", "+", "-", "@") else r.name
        median = "" if r.median_reply_s is None else round(r.median_reply_s)
        p90 = "" if r.p90_reply_s is None else round(r.p90_reply_s)
        writer.writerow(
            [
                name,
                r.messages_sent,
                median,
                p90,
                r.ppvs_sent,
                r.ppvs_bought,
                r.purchases,
                r.revenue_cents,
            ]
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="leaderboard.csv"'},
    )


QueryId = Annotated[str | None, Query(max_length=64)]


@router.get("/message-log")
def message_log_page(
    request: Request,
    auth: PageUser,
    session: DbSession,
    days: Days = 7,
    creator: QueryId = None,
    sender: QueryId = None,
    paid: Annotated[Literal["paid", "free"] | None, Query()] = None,
    bought: Annotated[Literal["yes", "no"] | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Every message the agency sent: who, paid or free, bought or not, how long the fan
    waited; filterable, for quality review without opening each chat."""
    wanted = LogFilter(
        days=days,
        creator_id=creator or None,
        sender_id=sender or None,
        paid=paid,
        bought=bought,
        page=page,
    )
    log = message_log(session, auth.actor, wanted, now=utcnow())
    shown = {
        key: value
        for key, value in {
            "days": str(days) if days != 7 else "",
            "creator": creator or "",
            "sender": sender or "",
            "paid": paid or "",
            "bought": bought or "",
        }.items()
        if value
    }
    context = {
        "log": log,
        "wanted": wanted,
        "query": shown,
        "accounts": {
            account.id: f"{creator_name} · {account.handle}"
            for account, creator_name in creators.all_accounts(session, auth.actor)
        },
        "creator_names": {
            c.id: c.display_name for c in creators.list_creators(session, auth.actor)
        },
        "members": [(m.id, m.user.name) for m in accounts.members(session, auth.actor)],
    }
    return render(request, "team/message_log.html", context)
