"""Evasions found by hand after the corpus was written; each stays blocked."""

from __future__ import annotations

import pytest

from huntaze.compliance.checker import rule_checker


@pytest.mark.parametrize(
    "text",
    [
        "send the tip to my c@$h app",
        "my v€nm0 is open",
        "pay me on p@yp@l",
    ],
)
def test_adjacent_symbol_leet_is_still_blocked(text: str) -> None:
    verdict = rule_checker.check(text)
    assert verdict.verdict.value == "block", verdict.to_json_dict()
    assert any(hit.category == "off_platform_payment" for hit in verdict.hits)


@pytest.mark.parametrize("text", ["ca $ h a pp", "$~n a pchat", "p @ ypal me"])
def test_symbols_split_off_by_separators_still_count_as_letters(text: str) -> None:
    verdict = rule_checker.check(text, direction="inbound")
    assert verdict.verdict.value == "block", verdict.to_json_dict()
