"""Property tests: evasions keep blocked phrases blocked; no input text crashes the engine."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huntaze.compliance.checker import rule_checker
from huntaze.compliance.models import Outcome

BLOCKED_PHRASES = [
    "paypal",
    "venmo",
    "cashapp",
    "telegram",
    "whatsapp",
    "snapchat",
    "bitcoin",
    "zelle",
    "meet up irl",
    "underage",
    "bestiality",
]
SEPARATORS = list(" .-_*~/\u200b\u200c\u200d\u2060\ufeff·")
LOOKALIKES = {
    "a": ["а", "α", "ａ", "𝐚", "ⓐ", "🅰"],
    "e": ["е", "ε", "ｅ", "𝐞", "ⓔ"],
    "o": ["о", "ο", "ｏ", "𝐨", "0", "ⓞ"],
    "p": ["р", "ρ", "ｐ", "𝐩", "ⓟ"],
    "c": ["с", "ϲ", "ｃ", "𝐜"],
    "i": ["і", "ι", "1", "ｉ", "𝐢"],
    "l": ["ӏ", "1", "|", "ｌ", "𝐥"],
    "s": ["ѕ", "$", "5", "ｓ", "𝐬"],
    "t": ["т", "τ", "7", "ｔ", "𝐭"],
    "y": ["у", "ｙ", "𝐲"],
    "x": ["х", "χ", "ｘ"],
}
CONTEXTS = ["{}", "hey add me on {} babe", "{} works for me 😘", "ok so {}?"]


@st.composite
def evaded(draw: st.DrawFn) -> str:
    phrase = draw(st.sampled_from(BLOCKED_PHRASES))
    pieces: list[str] = []
    for letter in phrase:
        options = LOOKALIKES.get(letter, [])
        use_lookalike = bool(options) and draw(st.booleans())
        pieces.append(draw(st.sampled_from(options)) if use_lookalike else letter)
        if draw(st.integers(0, 3)) == 0:
            pieces.append(draw(st.sampled_from(SEPARATORS)))
    return draw(st.sampled_from(CONTEXTS)).format("".join(pieces).strip(" "))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(evaded())
def test_evasions_keep_blocked_phrases_blocked(text: str) -> None:
    assert rule_checker.check(text, direction="inbound").verdict is Outcome.BLOCK, text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_a_verdict(text: str) -> None:
    verdict = rule_checker.check(text, direction="inbound")
    for hit in verdict.hits:
        assert hit.span is not None
        assert 0 <= hit.span[0] < hit.span[1] <= len(text)
        assert text[hit.span[0] : hit.span[1]] == hit.matched


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20), st.integers(1, 3))
def test_long_text_gets_a_verdict(chunk: str, power: int) -> None:
    text = chunk * (10**power)
    assert rule_checker.check(text).verdict in set(Outcome)


def test_empty_and_huge_text() -> None:
    assert rule_checker.check("").verdict is Outcome.ALLOW
    assert rule_checker.check(" ").verdict is Outcome.ALLOW
    big = ("a a a a a p a y " * 5000) + "paypal"
    assert rule_checker.check(big).verdict is Outcome.BLOCK
    assert rule_checker.check("5" * 100_000).verdict is Outcome.BLOCK
