"""Campaign pages: the list of campaigns and segments, the segment builder with its live count,
the campaign form, a campaign's page with a live progress bar, and its results page (variants,
the lift over the hold-out in plain words, revenue) (DESIGN.md §6 "Campaign").

The pages never send anything: starting hands the campaign to a worker. While a campaign is
scheduled or sending, its progress refreshes itself every few seconds (HTMX), and the builder
asks for the live count whenever a rule changes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageAuth, PageUser
from huntaze.accounts.permissions import Permission
from huntaze.campaigns.auth import PageCampaignFromPath
from huntaze.campaigns.models import Campaign
from huntaze.campaigns.personalize import VARIABLES
from huntaze.campaigns.rules import SegmentRules
from huntaze.campaigns.schemas import CampaignIn, SegmentDraft, SegmentIn, UpliftOut
from huntaze.campaigns.service import campaigns
from huntaze.campaigns.states import ACTIVE, Action, State
from huntaze.core.errors import AppError, InvalidInputError, field_error
from huntaze.core.fields import cents_from_text
from huntaze.core.http import DbSession
from huntaze.creators.service import creators
from huntaze.web.forms import NOT_FOR_FORMS, FormFields, FormState, parse_form
from huntaze.web.templating import register_nav, render, render_page_or_fragment

router = APIRouter(include_in_schema=False)
register_nav("Campaigns", "/campaigns", Permission.CAMPAIGNS_READ, order=40)

RULE_FIELDS = tuple(name for name in SegmentRules.model_fields if not name.startswith("spent_"))
SEGMENT_FIELDS = (
    "name",
    "platform_account_id",
    "spent_min",
    "spent_max",
    *RULE_FIELDS,
    "include_fan_ids",
    "exclude_fan_ids",
)
CAMPAIGN_FIELDS = (
    "name",
    "segment_id",
    "kind",
    "text",
    "price",
    "media_ids",
    "schedule",
    "send_at",
    "local_time",
    "exclude_messaged_hours",
    "holdout_percent",
    "batch_size",
    "variant_b_text",
    "variant_b_price",
    "split_b",
    "winner_metric",
    "test_hours",
    "test_percent",
)
# The form's A/B fields: the message above is variant A, these make variant B.
VARIANT_FIELDS = ("variant_b_text", "variant_b_price", "split_b")
_LIST_SPLIT = re.compile(r"[\s,]+")


def _listed(value: str) -> list[str]:
    return [part for part in _LIST_SPLIT.split(value.strip()) if part]


def _amount(values: Mapping[str, str], name: str) -> int | None:
    try:
        return cents_from_text(values.get(name, ""))
    except ValueError as exc:
        raise InvalidInputError(str(exc), errors=[field_error(name, str(exc))]) from None


def segment_draft(values: Mapping[str, str]) -> SegmentDraft:
    """The builder's form as a draft: blank rules left out, amounts in currency units, the
    time zones and fan lists split on spaces and commas."""
    rules: dict[str, Any] = {}
    for name in RULE_FIELDS:
        raw = values.get(name, "").strip()
        if not raw:
            continue
        rules[name] = _listed(raw) if name == "time_zones" else raw
    for form_name, rule_name in (
        ("spent_min", "spent_min_cents"),
        ("spent_max", "spent_max_cents"),
    ):
        cents = _amount(values, form_name)
        if cents is not None:
            rules[rule_name] = cents
    typed_rules = parse_form(
        SegmentRules,
        rules,
        renames={"spent_min_cents": "spent_min", "spent_max_cents": "spent_max"},
    )
    return parse_form(
        SegmentDraft,
        {
            "platform_account_id": values.get("platform_account_id", ""),
            "rules": typed_rules,
            "include_fan_ids": _listed(values.get("include_fan_ids", "")),
            "exclude_fan_ids": _listed(values.get("exclude_fan_ids", "")),
        },
    )


def _accounts(session: DbSession, auth: PageAuth) -> dict[str, str]:
    return {
        a.id: f"{name} · {a.platform} @{a.handle}"
        for a, name in creators.all_accounts(session, auth.actor)
    }


@router.get("/campaigns")
def campaigns_page(request: Request, auth: PageUser, session: DbSession) -> Response:
    """Campaigns, newest first, and the saved segments."""
    context = {
        "campaigns": campaigns.list(session, auth.actor),
        "segments": campaigns.segments(session, auth.actor),
        "accounts": _accounts(session, auth),
    }
    return render(request, "campaigns/index.html", context)


def _builder(
    request: Request, session: DbSession, auth: PageAuth, form: FormState, *, status: int = 200
) -> Response:
    context = {"accounts": _accounts(session, auth), "form": form, "count": None}
    return render(request, "campaigns/segment_form.html", context, status=status)


@router.get("/campaigns/segments/new")
def segment_builder(request: Request, auth: PageUser, session: DbSession) -> Response:
    """The segment builder: rules, include and exclude lists, and the live count."""
    auth.actor.require(Permission.CAMPAIGNS_WRITE)
    return _builder(request, session, auth, FormState())


@router.post("/campaigns/segments/count")
def live_count(
    request: Request, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """The builder's live count (an HTMX fragment): how many fans the rules hold now."""
    try:
        counted = campaigns.count(session, auth.actor, segment_draft(fields))
    except AppError as exc:
        form = FormState.failed(fields, exc, fields=SEGMENT_FIELDS)
        context = {"count": None, "problems": [*form.errors.values(), *form.general_errors]}
        return render(request, "campaigns/_count.html", context)
    return render(request, "campaigns/_count.html", {"count": counted, "problems": []})


@router.post("/campaigns/segments")
def save_segment(
    request: Request, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """Save the segment built on the form."""
    values = {name: fields.get(name, "") for name in SEGMENT_FIELDS}
    try:
        draft = segment_draft(values)
        data = parse_form(SegmentIn, {**draft.model_dump(), "name": values["name"]})
        campaigns.create_segment(session, auth.actor, data)
    except AppError as exc:
        form = FormState.failed(values, exc, fields=SEGMENT_FIELDS)
        return _builder(request, session, auth, form, status=exc.status_code)
    return RedirectResponse("/campaigns?saved=segment", status_code=303)


def _campaign_form(
    request: Request, session: DbSession, auth: PageAuth, form: FormState, *, status: int = 200
) -> Response:
    context = {
        "segments": campaigns.segments(session, auth.actor),
        "variables": VARIABLES,
        "form": form,
    }
    return render(request, "campaigns/campaign_form.html", context, status=status)


@router.get("/campaigns/new")
def new_campaign(request: Request, auth: PageUser, session: DbSession) -> Response:
    """The form of a new campaign (saved as a draft)."""
    auth.actor.require(Permission.CAMPAIGNS_WRITE)
    defaults = {
        "holdout_percent": "10",
        "exclude_messaged_hours": "24",
        "batch_size": "50",
        "split_b": "50",
        "test_hours": "24",
        "test_percent": "100",
    }
    return _campaign_form(request, session, auth, FormState(values=defaults))


def campaign_input(values: Mapping[str, str]) -> CampaignIn:
    """The campaign form as input: blanks left out, the price in currency units."""
    body: dict[str, Any] = {}
    for name in CAMPAIGN_FIELDS:
        raw = values.get(name, "").strip()
        if name == "price" or name in VARIANT_FIELDS or not raw:
            continue
        body[name] = _listed(raw) if name == "media_ids" else raw
    price = _amount(values, "price")
    if price is not None:
        body["price_cents"] = price
    if body.get("exclude_messaged_hours") == "0":
        body["exclude_messaged_hours"] = None
    if values.get("variant_b_text", "").strip():
        split_b = values.get("split_b", "").strip() or "50"
        if not split_b.isdigit() or not 1 <= int(split_b) <= 99:
            message = "B's share is a whole percent between 1 and 99."
            raise InvalidInputError(message, errors=[field_error("split_b", message)])
        body["variants"] = [
            {"label": "A", "text": values.get("text", ""), "split_percent": 100 - int(split_b)},
            {
                "label": "B",
                "text": values["variant_b_text"],
                "price_cents": _amount(values, "variant_b_price"),
                "split_percent": int(split_b),
            },
        ]
    return parse_form(CampaignIn, body, renames={"price_cents": "price"})


@router.post("/campaigns")
def create_campaign(
    request: Request, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """Save the campaign as a draft (refused with the reason when it could not be sent)."""
    values = {name: fields.get(name, "") for name in CAMPAIGN_FIELDS}
    try:
        campaign = campaigns.create(session, auth.actor, campaign_input(values))
    except AppError as exc:
        form = FormState.failed(values, exc, fields=CAMPAIGN_FIELDS)
        return _campaign_form(request, session, auth, form, status=exc.status_code)
    return RedirectResponse(f"/campaigns/{campaign.id}", status_code=303)


def _detail_context(session: DbSession, auth: PageAuth, campaign: Campaign) -> dict[str, Any]:
    segment = campaigns.get_segment(session, auth.actor, campaign.segment_id)
    return {
        "campaign": campaign,
        "segment": segment,
        "progress": campaigns.progress(session, auth.actor, campaign),
        "uplift": campaigns.uplift(session, auth.actor, campaign)
        if campaign.started_at is not None
        else None,
        "active": State(campaign.state) in ACTIVE,
    }


@router.get("/campaigns/{campaign_id}")
def campaign_page(
    request: Request, campaign: PageCampaignFromPath, auth: PageUser, session: DbSession
) -> Response:
    """A campaign, its audience and its progress (refreshing itself while it sends)."""
    return render_page_or_fragment(
        request,
        page="campaigns/detail.html",
        fragment="campaigns/_progress.html",
        context={**_detail_context(session, auth, campaign), "problem": None},
    )


def _act(
    request: Request, session: DbSession, auth: PageAuth, campaign: Campaign, action: Action
) -> Response:
    moves = {
        Action.START: campaigns.start,
        Action.PAUSE: campaigns.pause,
        Action.RESUME: campaigns.resume,
        Action.CANCEL: campaigns.cancel,
    }
    try:
        moves[action](session, auth.actor, campaign)
    except AppError as exc:
        if isinstance(exc, NOT_FOR_FORMS):
            raise
        context = {**_detail_context(session, auth, campaign), "problem": exc.detail}
        return render(request, "campaigns/detail.html", context, status=exc.status_code)
    return RedirectResponse(f"/campaigns/{campaign.id}", status_code=303)


@router.post("/campaigns/{campaign_id}/start")
def start(
    request: Request, campaign: PageCampaignFromPath, auth: PageUser, session: DbSession
) -> Response:
    """Check the campaign again and hand it to the worker."""
    return _act(request, session, auth, campaign, Action.START)


@router.post("/campaigns/{campaign_id}/pause")
def pause(
    request: Request, campaign: PageCampaignFromPath, auth: PageUser, session: DbSession
) -> Response:
    """Plan no more batches until resumed."""
    return _act(request, session, auth, campaign, Action.PAUSE)


@router.post("/campaigns/{campaign_id}/resume")
def resume(
    request: Request, campaign: PageCampaignFromPath, auth: PageUser, session: DbSession
) -> Response:
    """Continue with the next pending recipients."""
    return _act(request, session, auth, campaign, Action.RESUME)


@router.post("/campaigns/{campaign_id}/cancel")
def cancel(
    request: Request, campaign: PageCampaignFromPath, auth: PageUser, session: DbSession
) -> Response:
    """End the campaign; queued messages and pending recipients are cancelled."""
    return _act(request, session, auth, campaign, Action.CANCEL)


def _usd(cents: float) -> str:
    return f"{cents / 100:,.2f} USD"


def _signed_usd(cents: float) -> str:
    return f"{'+' if cents > 0 else '−' if cents < 0 else ''}{abs(cents) / 100:,.2f} USD"


def p_in_words(p_value: float | None) -> str:
    """What a p-value says, for someone who never met one."""
    if p_value is None:
        return "There is not enough data to say how likely chance alone is."
    if p_value < 0.01:
        chance = "less than once in 100 tries"
    else:
        chance = f"about {p_value * 100:.0f} times in 100"
    shown = "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"
    verdict = (
        "the effect is very likely real."
        if p_value < 0.05
        else "it cannot be told apart from chance yet."
    )
    return (
        f"If the campaign had changed nothing, a gap this large would show up by chance "
        f"{chance} ({shown}): {verdict}"
    )


def lift_in_words(uplift: UpliftOut) -> list[str]:
    """The hold-out comparison in sentences: the gap per fan, its interval, its p-value."""
    if not uplift.treated_fans or not uplift.control_fans:
        return [uplift.warning or "The uplift cannot be measured."]
    more = "more" if uplift.per_fan_cents >= 0 else "less"
    said = [
        f"In the {uplift.window_days} days after the start, a fan who was sent the campaign "
        f"paid {_usd(abs(uplift.per_fan_cents))} {more} on average than a held-out fan "
        f"({_usd(uplift.treated_mean_cents)} against {_usd(uplift.control_mean_cents)})."
    ]
    if uplift.low_cents is not None and uplift.high_cents is not None:
        total = (
            f"about {_signed_usd(uplift.total_cents)} that would not have been earned otherwise"
            if uplift.low_cents > 0 or uplift.high_cents < 0
            else f"an estimated {_signed_usd(uplift.total_cents)}, though zero is inside the "
            "interval"
        )
        said.append(
            f"With {uplift.confidence * 100:.0f}% confidence the true gap per fan lies between "
            f"{_signed_usd(uplift.low_cents)} and {_signed_usd(uplift.high_cents)}; over the "
            f"{uplift.treated_fans} fans sent, {total}."
        )
    said.append(p_in_words(uplift.p_value))
    return said


@router.get("/campaigns/{campaign_id}/results")
def results_page(
    request: Request,
    campaign: PageCampaignFromPath,
    auth: PageUser,
    session: DbSession,
    window_days: Annotated[int, Query(ge=1, le=90)] = 7,
) -> Response:
    """What the campaign did: progress (live while sending), the lift over the hold-out in plain
    words, revenue, and each A/B variant against the hold-out."""
    uplift = campaigns.uplift(session, auth.actor, campaign, window_days=window_days)
    best = max((v.revenue_per_recipient_cents for v in uplift.variants), default=0.0)
    context = {
        "campaign": campaign,
        "segment": campaigns.get_segment(session, auth.actor, campaign.segment_id),
        "progress": campaigns.progress(session, auth.actor, campaign),
        "active": State(campaign.state) in ACTIVE,
        "uplift": uplift,
        "lift_words": lift_in_words(uplift) if campaign.started_at is not None else [],
        "p_words": {v.variant_id: p_in_words(v.p_value) for v in uplift.variants},
        "chart_max": max(best, 1.0),
        "revenue_cents": uplift.treated_mean_cents * uplift.treated_fans,
        "window_days": window_days,
    }
    return render(request, "campaigns/results.html", context)
