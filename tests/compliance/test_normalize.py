"""The normalizer on its own: a table of inputs and the exact forms they must become.

Each row names the mapping it exercises, so removing a mapping from ``normalize.py`` fails the
rows of that mapping by name (DESIGN.md §7: spacing, leetspeak, look-alikes must not evade).
"""

from __future__ import annotations

import pytest

from huntaze.compliance.normalize import fold, text_form, tracked_forms, words_form

# (mapping, input, folded text form with numbers as digits, words form)
TABLE = [
    ("case", "PayPal", "paypal", " paypal "),
    ("accents", "café", "cafe", " cafe "),
    ("compatibility", "ﬁ ǅ Ⅻ", "fi dz xii", " fi dz xii "),
    ("fullwidth letters", "ｓｎａｐ", "snap", " snap "),
    ("math letters", "𝐩𝐚𝐲𝐩𝐚𝐥", "paypal", " paypal "),
    ("circled letters", "ⓅⒶⓎⓅⒶⓁ", "paypal", " paypal "),
    ("cyrillic look-alikes", "раураl", "paypal", " paypal "),
    ("greek look-alikes", "ραyραl", "paypal", " paypal "),
    ("small capitals", "ᴘᴀʏᴘᴀʟ", "paypal", " paypal "),
    ("sharp s", "ß", "ss", " ss "),
    ("curly apostrophe", "I’m", "i'm", " i m "),
    ("regional indicators", "🇻🇪🇳🇲🇴", "venmo", " venmo "),
    ("squared letters", "🆅🅴🅽🅼🅾", "venmo", " venmo "),
    ("zero-width space", "p\u200ba\u200by", "pay", " pay "),
    ("invisible letters", "p\u3164a\uffa0y\u115fpal", "paypal", " paypal "),
    ("soft hyphen and joiners", "p\u00ada\u200dy\u2060pal", "paypal", " paypal "),
    ("variation selectors", "ve\ufe0fnmo", "venmo", " venmo "),
    ("keycap digits", "5️⃣5️⃣5️⃣", "555", " sss "),
    ("dingbat digits", "❶❷", "12", " i  "),
    ("circled digits", "①②", "12", " i  "),
    ("fullwidth digits", "１２", "12", " i  "),
    ("math digits", "𝟏𝟐", "12", " i  "),
    ("spelled-out digits", "five five five", "5 5 5", " five five five "),
    ("spelled-out numbers", "I'm fifteen", "i'm 15", " i m fifteen "),
    ("number words stay inside words", "someone fivefold", "someone fivefold", None),
    (
        "spelled-out digits",
        "zero one two three four six seven eight nine",
        "0 1 2 3 4 6 7 8 9",
        None,
    ),
    ("leetspeak digits", "p4yp4l", "p4yp4l", " paypal "),
    ("leetspeak digits", "sn4pch47", "sn4pch47", " snapchat "),
    ("leetspeak digits", "519n41", "519n41", " signai "),
    ("leetspeak digits", "8r0", "8r0", " bro "),
    ("leetspeak pipe", "p|ay", "p|ay", " play "),
    ("leetspeak symbols before a letter", "c@$h", "c@$h", " cash "),
    ("leetspeak symbols before a letter", "v€nm0 pr!v¢y", "v€nm0 pr!v¢y", " venmo privcy "),
    ("leetspeak $ after a letter", "ca$", "ca$", " cas "),
    ("leetspeak $ after a letter", "addre$$", "addre$$", " address "),
    ("leetspeak € after a letter", "z€ll€", "z€ll€", " zelle "),
    ("leetspeak symbols split by spaces", "ca $ h", "ca $ h", " ca s h "),
    ("money is not leetspeak", "20€ or $", "20€ or $", "  o  or   "),
    ("punctuation is not leetspeak", "hi! wow!!", "hi! wow!!", " hi  wow   "),
    ("separators become spaces", "e-mail.me", "e-mail.me", " e mail me "),
]


@pytest.mark.parametrize(
    ("mapping", "original", "text", "words"), TABLE, ids=[f"{row[0]}: {row[1]}" for row in TABLE]
)
def test_normalized_forms(mapping: str, original: str, text: str, words: str | None) -> None:
    folded = fold(original)
    assert text_form(folded) == text, mapping
    if words is not None:
        assert words_form(folded) == words, mapping


@pytest.mark.parametrize("original", [row[1] for row in TABLE])
def test_tracked_forms_equal_the_fast_forms_and_map_back(original: str) -> None:
    forms = tracked_forms(original)
    folded = fold(original)
    assert forms.text.text == text_form(folded)
    assert forms.words.text == words_form(folded)
    for tracked in (forms.text, forms.words):
        assert len(tracked.starts) == len(tracked.ends) == len(tracked.text)
        assert all(
            0 <= s <= e <= len(original) for s, e in zip(tracked.starts, tracked.ends, strict=True)
        )
