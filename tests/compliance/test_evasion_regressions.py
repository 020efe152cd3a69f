"""Evasions found by hand after the corpus was written; each stays blocked."""

from __future__ import annotations

import pytest

from huntaze.compliance.service import compliance


@pytest.mark.parametrize(
    "text",
    [
        "send the tip to my c@$h app",
        "my v€nm0 is open",
        "pay me on p@yp@l",
    ],
)
def test_adjacent_symbol_leet_is_still_blocked(text: str) -> None:
    verdict = compliance.check(text)
    assert verdict.verdict.value == "block", verdict.to_json_dict()
    assert any(hit.category == "off_platform_payment" for hit in verdict.hits)
