"""Numbers that are times, prices or dates are not phone numbers (issue 14)."""

from __future__ import annotations

import pytest

from huntaze.compliance.checker import rule_checker
from huntaze.compliance.models import Outcome


@pytest.mark.parametrize(
    "text",
    [
        "live tonight 18.30 - 19.30 - 20.30, don't miss it",
        "posting at 9.30 10.30 11.30 12.30 tomorrow",
        "bundle 19.99, video 29.99, custom 149.99",
        "sale ends 31.12.2025 at 23.59",
        "on 2025-05-12 from 10.15 to 11.45",
        "my birthday is 12.05.1998 and yours is 03.07.1995",
        "prices went 9.99 -> 12.99 -> 14.99 this year",
        "worked 06.00 - 14.00 - then gym 15.30",
    ],
)
def test_times_prices_and_dates_are_allowed(text: str) -> None:
    verdict = rule_checker.check(text)
    assert "contact.phone_number" not in {hit.rule for hit in verdict.hits}, verdict.hits
    assert verdict.verdict is Outcome.ALLOW


@pytest.mark.parametrize(
    "text",
    [
        "call me 555 201 8834",
        "my number is 555.201.8834",
        "text +1 555 201 8834",
        "06.12.34.56.78 c'est mon numéro",
        "(555) 201-8834 anytime",
        "at 18.30 call 5552018834",
    ],
)
def test_phone_numbers_are_still_found(text: str) -> None:
    verdict = rule_checker.check(text)
    assert "contact.phone_number" in {hit.rule for hit in verdict.hits}
