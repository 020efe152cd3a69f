"""Hits are reported as spans of the original text, whatever normalization found them."""

from __future__ import annotations

import pytest

from huntaze.compliance.checker import rule_checker
from huntaze.compliance.models import Outcome
from huntaze.compliance.normalize import fold, text_form, tracked_forms, words_form


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("hey, pay me on p.a.y.p.a.l ok", "p.a.y.p.a.l"),
        ("ⓅⒶⓎⓅⒶⓁ now", "ⓅⒶⓎⓅⒶⓁ"),
        ("use 🇻🇪🇳🇲🇴 babe", "🇻🇪🇳🇲🇴"),
        ("sеnd it on tеlеgrаm", "tеlеgrаm"),
        ("call 5️⃣5️⃣5️⃣ 201 8834 now", "5️⃣5️⃣5️⃣ 201 8834"),
        (
            "it's five five five two zero one eight eight three four",
            "five five five two zero one eight eight three four",
        ),
        ("ca$happ me", "ca$happ"),
        ("paaaaypal", "paaaaypal"),
        ("add me on ｓｎａｐｃｈａｔ", "ｓｎａｐｃｈａｔ"),
        (
            "on w\u200bh\u200ba\u200bt\u200bs\u200ba\u200bp\u200bp!",
            "w\u200bh\u200ba\u200bt\u200bs\u200ba\u200bp\u200bp",
        ),
    ],
)
def test_span_points_at_original_text(text: str, matched: str) -> None:
    verdict = rule_checker.check(text)
    assert verdict.verdict is Outcome.BLOCK
    spans = [hit.span for hit in verdict.hits if hit.span is not None]
    start = text.index(matched)
    assert (start, start + len(matched)) in spans
    for hit in verdict.hits:
        assert hit.span is not None and text[hit.span[0] : hit.span[1]] == hit.matched


def test_json_shape() -> None:
    data = rule_checker.check("my venmo is jess").to_json_dict()
    assert data["text"] == "my venmo is jess"
    assert data["verdict"] == "block"
    hit = data["hits"][0]
    assert hit["rule"] == "payment.apps"
    assert hit["severity"] == "block"
    assert hit["span"] == [3, 8]
    assert hit["reason"]
    assert data["opt_out"] is False


@pytest.mark.parametrize(
    "text",
    ["", "ABC ﬁ ß İ ①⑩ 🔟 ⒜ Ⅻ", "a\u0301b\u0332c 😘 𝐱", "🇫🇷 five.one 4ever $$", "\u200b" * 5],
)
def test_tracked_forms_equal_fast_forms(text: str) -> None:
    forms = tracked_forms(text)
    folded = fold(text)
    assert forms.text.text == text_form(folded)
    assert forms.words.text == words_form(folded)
    for tracked in (forms.text, forms.words):
        assert len(tracked.starts) == len(tracked.ends) == len(tracked.text)
        assert all(
            0 <= s <= e <= len(text) for s, e in zip(tracked.starts, tracked.ends, strict=True)
        )
