"""Every evasion class, on its own, against every violation of the corpus: recall 1.0 each.

The corpus samples a few evasions per violation and its test allows a little slack per category,
so losing one normalization (say, digits read as letters) could still pass it. Here each class
is applied to every core term of ``make_corpus.py`` (with that file's own tables, independent of
the engine's) and every single text must be blocked with its category: a class that stops working
fails by name.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from tests.compliance import make_corpus as corpus

from huntaze.compliance.checker import rule_checker

Evasion = Callable[[str, random.Random], str]

LEET_DIGITS = {
    "a": "4",
    "e": "3",
    "o": "0",
    "i": "1",
    "l": "1",
    "s": "5",
    "t": "7",
    "b": "8",
    "g": "9",
}
LEET_SYMBOLS = {"a": "@", "s": "$", "i": "!", "e": "€", "c": "¢"}


def _substitute(table: dict[str, str]) -> Evasion:
    return lambda term, _rng: "".join(table.get(ch, ch) for ch in term)


WORD_CLASSES: dict[str, tuple[str, ...]] = {
    "spacing": ("spaced", "dotted", "dashed", "hyphen_letters"),
    "zero_width": ("zero_width", "invisible_letters"),
    "look_alikes": ("cyrillic", "greek", "fullwidth", "math_bold", "math_script", "mixed_case"),
    "emoji_letters": ("regional_indicator", "circled", "squared"),
    "repeated_letters": ("repeated",),
    "leetspeak_digits": ("leet_digits",),
    "leetspeak_symbols": ("leet_symbols",),
}
DIGIT_CLASSES: dict[str, tuple[str, ...]] = {
    "spelled_out_digits": ("spelled_digits", "half_spelled_digits", "spelled_number"),
    "spaced_digits": ("spaced_digits", "dotted_digits"),
    "digit_look_alikes": ("fullwidth_digits", "math_digits", "circled_digits"),
    "emoji_digits": ("keycap",),
}
WORD_EVASIONS: dict[str, Evasion] = {
    **corpus.WORD_EVASIONS,
    "leet_digits": _substitute(LEET_DIGITS),
    "leet_symbols": _substitute(LEET_SYMBOLS),
    "invisible_letters": corpus._join("\u3164"),  # Hangul filler: a letter that shows nothing
}


def _texts(evasion_class: str) -> list[tuple[str, str]]:
    """(category, evaded text) for every violation the class changes."""
    rng = random.Random(corpus.SEED)
    found = []
    for name in WORD_CLASSES.get(evasion_class, ()):
        for category, template, term in corpus.WORD_VIOLATIONS:
            evaded = WORD_EVASIONS[name](term, rng)
            if evaded != term:
                found.append((category, template.format(evaded)))
    for name in DIGIT_CLASSES.get(evasion_class, ()):
        for category, template, digits in corpus.DIGIT_VIOLATIONS:
            kinds = (
                corpus.PHONE_EVASIONS
                if category == "off_platform_contact"
                else (corpus.AGE_EVASIONS)
            )
            if name in kinds:
                found.append((category, template.format(corpus.DIGIT_EVASIONS[name](digits, rng))))
    return found


@pytest.mark.parametrize("evasion_class", [*WORD_CLASSES, *DIGIT_CLASSES])
def test_every_evasion_class_has_full_recall(evasion_class: str) -> None:
    texts = _texts(evasion_class)
    assert len(texts) >= 4
    missed = []
    for category, text in texts:
        verdict = rule_checker.check(text, direction="inbound")
        if verdict.verdict.value != "block" or category not in verdict.categories:
            missed.append(text)
    assert missed == [], f"{evasion_class}: {len(missed)}/{len(texts)} missed"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("you can just send it to my p4yp4l instead", "off_platform_payment"),
        ("add me on sn4pch47 babe", "off_platform_contact"),
        ("my v3nm0 is open", "off_platform_payment"),
        ("tip me on c@$h @pp", "off_platform_payment"),
        ("i take z€ll€ too", "off_platform_payment"),
        ("send me your @ddr€$$ and i'll come by", "in_person_meeting"),
    ],
)
def test_named_leetspeak_examples(text: str, category: str) -> None:
    verdict = rule_checker.check(text, direction="inbound")
    assert verdict.verdict.value == "block" and category in verdict.categories, text
