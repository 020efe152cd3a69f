"""Checks of a campaign's input, before anything is sent (DESIGN.md §6 "Campaign", issue
acceptance 5): the PPV price ranges, the A/B variants' shape, and the first variant as the
campaign's own text and price; a stored campaign or segment as its input again. The service
runs them when a campaign is written and again when it starts."""

from __future__ import annotations

from huntaze.campaigns.models import Campaign, Segment
from huntaze.campaigns.personalize import check_template
from huntaze.campaigns.rules import SegmentRules
from huntaze.campaigns.schemas import CampaignIn, SegmentDraft, VariantIn
from huntaze.campaigns.states import Kind, Schedule, WinnerMetric
from huntaze.core.errors import InvalidInputError, field_error
from huntaze.platforms.limits import DEFAULT_PPV_PRICE_RANGE_CENTS, PPV_PRICE_RANGE_CENTS

# The PPV prices each platform takes (cents); a platform not listed takes the common range.
PPV_PRICE_RANGE = PPV_PRICE_RANGE_CENTS
DEFAULT_PPV_PRICE_RANGE = DEFAULT_PPV_PRICE_RANGE_CENTS


def invalid(field: str, message: str) -> InvalidInputError:
    """A 422 naming the field at fault."""
    return InvalidInputError(message, errors=[field_error(field, message)])


def with_first_variant(data: CampaignIn) -> CampaignIn:
    """With variants, the campaign's own text and price are its first variant's (each variant
    without a price takes the campaign's)."""
    if not data.variants:
        return data
    variants = [
        v.model_copy(update={"price_cents": v.price_cents or data.price_cents})
        if data.kind is Kind.PPV
        else v
        for v in data.variants
    ]
    first = variants[0]
    return data.model_copy(
        update={
            "variants": variants,
            "text": first.text,
            "price_cents": first.price_cents if data.kind is Kind.PPV else data.price_cents,
        }
    )


def check_variants(data: CampaignIn) -> None:
    """Variants are none or 2 or more, with distinct labels, valid texts and splits adding up
    to 100; a remainder phase needs variants."""
    if not data.variants:
        if data.test_percent < 100:
            raise invalid("test_percent", "A test share below 100% needs A/B variants.")
        return
    if len(data.variants) < 2:
        raise invalid("variants", "An A/B test needs at least two variants.")
    labels = [v.label for v in data.variants]
    if len(set(labels)) != len(labels):
        raise invalid("variants", "Each variant needs its own label.")
    total = sum(v.split_percent for v in data.variants)
    if total != 100:
        raise invalid("variants", f"The variants' splits add up to {total}%, not 100%.")
    for variant in data.variants:
        try:
            check_template(variant.text)
        except InvalidInputError as exc:
            raise invalid("variants", f"Variant {variant.label}: {exc.detail}") from exc


def draft_of(segment: Segment) -> SegmentDraft:
    """A saved segment as the builder's draft (what the count reads)."""
    return SegmentDraft(
        platform_account_id=segment.platform_account_id,
        rules=SegmentRules.model_validate(segment.rules),
        include_fan_ids=list(segment.include_fan_ids),
        exclude_fan_ids=list(segment.exclude_fan_ids),
    )


def input_of(campaign: Campaign) -> CampaignIn:
    """A stored campaign as its input, to check it again when it starts."""
    return CampaignIn(
        name=campaign.name,
        segment_id=campaign.segment_id,
        kind=Kind(campaign.kind),
        text=campaign.text,
        price_cents=campaign.price_cents,
        media_ids=list(campaign.media_ids),
        schedule=Schedule(campaign.schedule),
        send_at=campaign.send_at,
        local_time=campaign.local_time,
        exclude_messaged_hours=campaign.exclude_messaged_hours,
        holdout_percent=campaign.holdout_percent,
        batch_size=campaign.batch_size,
        variants=[
            VariantIn(
                label=v.label,
                text=v.text,
                price_cents=v.price_cents,
                split_percent=v.split_percent,
            )
            for v in campaign.variants
        ],
        winner_metric=WinnerMetric(campaign.winner_metric),
        test_hours=campaign.test_hours,
        test_percent=campaign.test_percent,
    )
