"""Rules on the sending context (caps, quiet hours, opt-outs, PPV gap) and the override policy."""

from __future__ import annotations

import datetime as dt

import pytest

from huntaze.compliance.checker import rule_checker
from huntaze.compliance.models import CheckContext, Hit, Outcome, QuietHours, Severity, Verdict
from huntaze.compliance.policy import can_override

NOON_UTC = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def _rules(context: CheckContext, direction: str = "outbound") -> set[str]:
    return {
        hit.rule for hit in rule_checker.check("hi babe", direction=direction, context=context).hits
    }


def test_daily_cap() -> None:
    assert _rules(CheckContext(messages_sent_today=2, daily_cap=3)) == set()
    verdict = rule_checker.check("hi", context=CheckContext(messages_sent_today=3, daily_cap=3))
    assert verdict.verdict is Outcome.BLOCK
    assert verdict.hits[0].rule == "limits.daily_cap"
    assert verdict.hits[0].span is None
    assert "cap is 3" in (verdict.hits[0].detail or "")


def test_opted_out_fan_blocks_outbound_only() -> None:
    assert _rules(CheckContext(fan_opted_out=True)) == {"limits.opted_out"}
    assert _rules(CheckContext(fan_opted_out=True), direction="inbound") == set()


@pytest.mark.parametrize(
    ("start", "end", "zone", "now", "inside"),
    [
        (dt.time(22), dt.time(8), "Europe/Paris", NOON_UTC, False),
        (dt.time(22), dt.time(8), "Asia/Tokyo", NOON_UTC.replace(hour=14), True),  # 23:00
        (dt.time(22), dt.time(8), "America/New_York", NOON_UTC.replace(hour=4), True),
        (dt.time(1), dt.time(5), "UTC", NOON_UTC.replace(hour=5), False),
        (dt.time(1), dt.time(5), "UTC", NOON_UTC.replace(hour=1), True),
    ],
)
def test_quiet_hours_in_the_fans_time_zone(
    start: dt.time, end: dt.time, zone: str, now: dt.datetime, inside: bool
) -> None:
    context = CheckContext(now=now, quiet_hours=QuietHours(start, end, zone))
    assert ("limits.quiet_hours" in _rules(context)) is inside
    if inside:
        assert rule_checker.check("hi", context=context).verdict is Outcome.REVIEW


def test_quiet_hours_need_a_clock_and_a_real_zone() -> None:
    assert _rules(CheckContext(quiet_hours=QuietHours(dt.time(0), dt.time(23, 59)))) == set()
    with pytest.raises(ValueError, match="time zone"):
        QuietHours(dt.time(22), dt.time(8), "Mars/Olympus")
    with pytest.raises(ValueError, match="timezone-aware"):
        CheckContext(now=dt.datetime(2026, 1, 1))


def test_minimum_ppv_gap() -> None:
    recent = CheckContext(
        now=NOON_UTC,
        is_ppv=True,
        last_ppv_at=NOON_UTC - dt.timedelta(hours=2),
        min_ppv_gap=dt.timedelta(hours=6),
    )
    assert _rules(recent) == {"limits.ppv_gap"}
    not_ppv = CheckContext(
        now=NOON_UTC, last_ppv_at=recent.last_ppv_at, min_ppv_gap=recent.min_ppv_gap
    )
    assert _rules(not_ppv) == set()
    long_ago = CheckContext(
        now=NOON_UTC,
        is_ppv=True,
        last_ppv_at=NOON_UTC - dt.timedelta(hours=7),
        min_ppv_gap=dt.timedelta(hours=6),
    )
    assert _rules(long_ago) == set()


def test_opt_out_flag() -> None:
    verdict = rule_checker.check("please stop messaging me", direction="inbound")
    assert verdict.opt_out is True
    assert verdict.verdict is Outcome.REVIEW
    assert rule_checker.check("unsubscribe", direction="inbound").opt_out
    assert not rule_checker.check("don't forget to subscribe", direction="inbound").opt_out


def _verdict(*hits: Hit) -> Verdict:
    severities = {hit.severity for hit in hits}
    outcome = (
        Outcome.BLOCK if Severity.BLOCK in severities else Outcome.REVIEW if hits else Outcome.ALLOW
    )
    return Verdict(text="x", direction="outbound", verdict=outcome, hits=hits)


def _hit(severity: Severity, *, overridable: bool = True) -> Hit:
    return Hit(rule="r", category="c", severity=severity, reason="r", overridable=overridable)


@pytest.mark.parametrize(
    ("role", "allow", "review", "block"),
    [
        ("owner", True, True, True),
        ("admin", True, True, True),
        ("manager", True, True, False),
        ("chatter", True, False, False),
        ("viewer", True, False, False),
    ],
)
def test_override_policy(role: str, allow: bool, review: bool, block: bool) -> None:
    assert can_override(_verdict(), role) is allow
    assert can_override(_verdict(_hit(Severity.REVIEW)), role) is review
    assert can_override(_verdict(_hit(Severity.BLOCK)), role) is block
    assert can_override(_verdict(_hit(Severity.BLOCK, overridable=False)), role) is False


def test_minor_safety_can_never_be_overridden() -> None:
    verdict = rule_checker.check("i'm 15 lol", direction="inbound")
    assert verdict.verdict is Outcome.BLOCK
    assert not can_override(verdict, "owner")


def test_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        can_override(_verdict(), "intern")
