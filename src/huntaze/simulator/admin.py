"""Admin endpoints under ``/_admin``: ground truth, reset/seed, clock, fan overrides, faults.

See DESIGN.md §3. Every call needs the ``X-Admin-Token`` header (``SimulatorSettings.admin_token``).
This is how tests ask "how many times was this message delivered to this fan?" and force a
fan's behaviour; Huntaze itself never calls it.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huntaze.simulator.accounts import SKINS, creator_by_username
from huntaze.simulator.auth import context, require_admin
from huntaze.simulator.clock import advance
from huntaze.simulator.content import get_link
from huntaze.simulator.errors import invalid, not_found
from huntaze.simulator.fan_model import FanModelError, parse_fan_model
from huntaze.simulator.faults import clear_faults, list_faults, set_fault
from huntaze.simulator.messaging import get_fan
from huntaze.simulator.models import Creator, Fan, MassMessage, Message, Post, Transaction
from huntaze.simulator.seeding import list_accounts, seed_simulator
from huntaze.simulator.serializers import fan_json, iso, message_json, transaction_json
from huntaze.simulator.spend import charge_back
from huntaze.simulator.state import get_fan_model, get_now, get_seed

router = APIRouter(prefix="/_admin", dependencies=[Depends(require_admin)])


class AdminBody(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class ResetIn(AdminBody):
    seed: int = 1
    creators: int = Field(default=2, ge=1, le=50)
    fans: int = Field(default=500, ge=0, le=100_000)
    # A fan-model file's YAML text; the bundled model when absent.
    fan_model: str | None = Field(default=None, max_length=256 * 1024)


class TickIn(AdminBody):
    hours: float = Field(gt=0, le=24 * 365)


class AccountIn(AdminBody):
    skin: str | None = None
    otp_enabled: bool | None = None


class ChargebackIn(AdminBody):
    status: str = "undo"


class FanIn(AdminBody):
    profile: str | None = None
    force_buy: bool | None = None
    clear_force: bool = False


class FaultIn(AdminBody):
    mode: str
    params: dict[str, Any] = Field(default_factory=dict)
    count: int | None = None


class LinkRateIn(AdminBody):
    arrivals_per_day: float = Field(ge=0, le=100_000)


def account(session: Session, username: str) -> Creator:
    """An account by username, or a 404."""
    creator = creator_by_username(session, username)
    if creator is None:
        raise not_found("account", username)
    return creator


@router.post("/reset")
def reset(request: Request, body: ResetIn) -> dict[str, Any]:
    """Drop everything and seed a fresh world (with the given fan model, if any)."""
    if body.fan_model is not None:
        try:
            parse_fan_model(body.fan_model)
        except FanModelError as exc:
            raise invalid("invalid_fan_model", str(exc)) from None
    seed_simulator(
        context(request).db,
        seed=body.seed,
        creators=body.creators,
        fans_per_creator=body.fans,
        fan_model_text=body.fan_model,
    )
    return {"seed": body.seed, "accounts": [a.__dict__ for a in list_accounts(context(request).db)]}


@router.get("/accounts")
def accounts(request: Request) -> dict[str, Any]:
    """Every account with password, one-time code, API token and skin."""
    return {"accounts": [a.__dict__ for a in list_accounts(context(request).db)]}


@router.patch("/accounts/{username}")
def update_account(request: Request, username: str, body: AccountIn) -> dict[str, Any]:
    """Switch an account's skin or its one-time-code step."""
    with context(request).db.session() as session:
        creator = account(session, username)
        if body.skin is not None:
            if body.skin not in SKINS:
                raise invalid("invalid_skin", f"skin must be one of {', '.join(SKINS)}.")
            creator.skin = body.skin
        if body.otp_enabled is not None:
            creator.otp_enabled = body.otp_enabled
        return {
            "username": creator.username,
            "skin": creator.skin,
            "otp_enabled": creator.otp_enabled,
        }


@router.get("/accounts/{username}/otp")
def otp(request: Request, username: str) -> dict[str, str]:
    """The account's fixed one-time code."""
    with context(request).db.session() as session:
        return {"code": account(session, username).otp_code}


@router.get("/clock")
def clock(request: Request) -> dict[str, Any]:
    """The simulated time and the seed."""
    with context(request).db.session() as session:
        return {"now": iso(get_now(session)), "seed": get_seed(session)}


@router.post("/tick")
def tick(request: Request, body: TickIn) -> dict[str, Any]:
    """Advance the simulated clock by ``hours``."""
    with context(request).db.session() as session:
        return {"now": iso(advance(session, body.hours * 3600))}


def ground_truth(fan: Fan) -> dict[str, Any]:
    """What the fan model drew for a fan, hidden from the creator: profile, willingness to pay,
    time zone and active hours (so a test can compute what an oracle would earn)."""
    return {
        "profile": fan.profile,
        "force_buy": fan.force_buy,
        "willingness_to_pay_cents": fan.ppv_max_cents,
        "utc_offset_minutes": fan.utc_offset_minutes,
        "active_start_hour": fan.active_start_hour,
        "active_length_hours": fan.active_length_hours,
    }


@router.get("/accounts/{username}/fans")
def fans(
    request: Request, username: str, profile: str | None = None, limit: int = 100
) -> dict[str, Any]:
    """Fans with their hidden behaviour profile (ground truth)."""
    with context(request).db.session() as session:
        query = select(Fan).where(Fan.creator_id == account(session, username).id)
        if profile is not None:
            query = query.where(Fan.profile == profile)
        rows = session.scalars(query.order_by(Fan.id).limit(max(1, min(limit, 10_000))))
        return {"items": [fan_json(f) | ground_truth(f) for f in rows]}


@router.patch("/accounts/{username}/fans/{fan_id}")
def update_fan(request: Request, username: str, fan_id: int, body: FanIn) -> dict[str, Any]:
    """Change a fan's profile, or force them to always (or never) buy PPV."""
    with context(request).db.session() as session:
        fan = get_fan(session, account(session, username), fan_id)
        if body.profile is not None:
            known = get_fan_model(session).profile_names
            if body.profile not in known:
                raise invalid("invalid_profile", f"profile must be one of {', '.join(known)}.")
            fan.profile = body.profile
        if body.force_buy is not None or body.clear_force:
            fan.force_buy = body.force_buy
        return fan_json(fan) | ground_truth(fan)


@router.get("/accounts/{username}/deliveries")
def deliveries(
    request: Request,
    username: str,
    fan_id: int | None = None,
    nonce: str | None = None,
    text: str | None = None,
) -> dict[str, Any]:
    """How many times creator messages (by fan, nonce and/or exact text) were delivered."""
    with context(request).db.session() as session:
        query = select(Message).where(
            Message.creator_id == account(session, username).id, Message.from_creator.is_(True)
        )
        if fan_id is not None:
            query = query.where(Message.fan_id == fan_id)
        if nonce is not None:
            query = query.where(Message.nonce == nonce)
        if text is not None:
            query = query.where(Message.text == text)
        rows = list(session.scalars(query.order_by(Message.id)))
        return {"count": len(rows), "messages": [message_json(m) for m in rows]}


@router.get("/accounts/{username}/purchases")
def purchases(
    request: Request, username: str, message_id: int | None = None, fan_id: int | None = None
) -> dict[str, Any]:
    """PPV purchases, each linked to the message that offered it."""
    with context(request).db.session() as session:
        query = select(Transaction).where(
            Transaction.creator_id == account(session, username).id, Transaction.kind == "ppv"
        )
        if message_id is not None:
            query = query.where(Transaction.message_id == message_id)
        if fan_id is not None:
            query = query.where(Transaction.fan_id == fan_id)
        rows = list(session.scalars(query.order_by(Transaction.id)))
        total = sum(t.amount_cents for t in rows)
        return {
            "count": len(rows),
            "total_cents": total,
            "items": [transaction_json(t) for t in rows],
        }


@router.post("/accounts/{username}/transactions/{transaction_id}/chargeback")
def chargeback(
    request: Request, username: str, transaction_id: int, body: ChargebackIn
) -> dict[str, Any]:
    """Take a payment back (``undo``) or mark it as being returned (``pending_return``)."""
    with context(request).db.session() as session:
        row = charge_back(session, account(session, username), transaction_id, status=body.status)
        return {"transaction_id": row.transaction_id, "status": row.status}


@router.get("/accounts/{username}/posts")
def posts(request: Request, username: str, text: str | None = None) -> dict[str, Any]:
    """Posts (published and scheduled), optionally only those with exactly ``text``."""
    with context(request).db.session() as session:
        query = select(Post).where(Post.creator_id == account(session, username).id)
        if text is not None:
            query = query.where(Post.text == text)
        rows = list(session.scalars(query.order_by(Post.id)))
        return {"count": len(rows), "ids": [p.id for p in rows]}


@router.get("/accounts/{username}/mass-messages")
def mass_messages(request: Request, username: str, text: str | None = None) -> dict[str, Any]:
    """Mass messages, optionally only those with exactly ``text``."""
    with context(request).db.session() as session:
        query = select(MassMessage).where(MassMessage.creator_id == account(session, username).id)
        if text is not None:
            query = query.where(MassMessage.text == text)
        rows = list(session.scalars(query.order_by(MassMessage.id)))
        return {
            "count": len(rows),
            "ids": [m.id for m in rows],
            "recipients": [m.recipients for m in rows],
        }


@router.get("/accounts/{username}/summary")
def summary(request: Request, username: str) -> dict[str, Any]:
    """Counts of fans, messages and revenue by kind."""
    with context(request).db.session() as session:
        creator_id = account(session, username).id
        fans_by_status = dict(
            session.execute(
                select(Fan.status, func.count())
                .where(Fan.creator_id == creator_id)
                .group_by(Fan.status)
            ).all()
        )
        revenue = dict(
            session.execute(
                select(Transaction.kind, func.sum(Transaction.amount_cents))
                .where(Transaction.creator_id == creator_id)
                .group_by(Transaction.kind)
            ).all()
        )
        messages = session.scalar(select(func.count()).where(Message.creator_id == creator_id))
        return {"fans": fans_by_status, "revenue_cents": revenue, "messages": messages}


@router.put("/accounts/{username}/links/{link_id}/rate")
def link_rate(request: Request, username: str, link_id: int, body: LinkRateIn) -> dict[str, Any]:
    """Set how many new fans a day arrive through a link."""
    with context(request).db.session() as session:
        link = get_link(session, account(session, username), link_id)
        link.arrivals_per_day = body.arrivals_per_day
        return {"id": link.id, "arrivals_per_day": link.arrivals_per_day}


@router.get("/accounts/{username}/faults")
def faults(request: Request, username: str) -> dict[str, Any]:
    """The faults switched on for an account."""
    with context(request).db.session() as session:
        rows = list_faults(session, account(session, username))
        return {
            "items": [
                {
                    "mode": f.mode,
                    "params": json.loads(f.params),
                    "remaining": f.remaining,
                    "fired": f.fired,
                }
                for f in rows
            ]
        }


@router.post("/accounts/{username}/faults", status_code=201)
def add_fault(request: Request, username: str, body: FaultIn) -> dict[str, Any]:
    """Switch a fault on (see ``faults.py`` for modes and what clients see)."""
    with context(request).db.session() as session:
        fault = set_fault(
            session,
            account(session, username),
            mode=body.mode,
            params=body.params,
            count=body.count,
        )
        return {
            "mode": fault.mode,
            "params": json.loads(fault.params),
            "remaining": fault.remaining,
        }


@router.delete("/accounts/{username}/faults")
def remove_faults(request: Request, username: str, mode: str | None = None) -> dict[str, bool]:
    """Switch off one fault mode, or all of them."""
    with context(request).db.session() as session:
        clear_faults(session, account(session, username), mode=mode)
        return {"cleared": True}
