"""Normalization of message text before compliance matching (DESIGN.md §7).

Rules must resist trivial evasion, so every message is matched in two normalized forms:

* the **text form**: Unicode compatibility folding (NFKD without marks, i.e. NFKC's letters),
  lower case, look-alike folding (Cyrillic, Greek, small capitals, emoji letters and keycaps),
  invisible characters removed, and spelled-out numbers turned into digits ("five" → "5").
  Structural detectors (phone numbers, e-mails, links, wallets, ages) read this form.
* the **words form**: the folded text with leetspeak undone ("p4yp4l", "ca$happ"), every
  character that is not a letter turned into a space, padded with a space on both sides.
  Keywords are matched here, tolerant of separators between any two letters.

The fast path builds the forms with ``str.translate`` and compiled substitutions only. When a
rule matches, :func:`tracked_forms` rebuilds the same strings with an offset map from every
normalized character back to its ``[start, end)`` range in the original text, so that hits are
reported as spans of what the user actually wrote.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

# Look-alikes that Unicode compatibility decomposition does not fold to Latin letters.
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "и": "u", "й": "u", "к": "k", "м": "m",
    "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ш": "w",
    "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "һ": "h",
    "ү": "y", "ы": "bi", "ь": "b", "ъ": "b", "ч": "4", "л": "n", "д": "a", "г": "r", "ц": "u",
    "ɡ": "g", "ɑ": "a", "ı": "i", "ȷ": "j", "ʟ": "l", "ɪ": "i", "ʀ": "r", "ʏ": "y", "ɴ": "n",
    "ʙ": "b", "ʜ": "h", "ɢ": "g", "ꜱ": "s", "ꜰ": "f",
    # Greek
    "α": "a", "β": "b", "γ": "y", "δ": "d", "ε": "e", "ζ": "z", "η": "n", "θ": "o", "ι": "i",
    "κ": "k", "λ": "l", "μ": "u", "ν": "v", "ξ": "e", "ο": "o", "π": "n", "ρ": "p", "σ": "o",
    "ς": "c", "τ": "t", "υ": "u", "φ": "o", "χ": "x", "ψ": "w", "ω": "w", "ϲ": "c", "ϳ": "j",
    "ϱ": "p", "ϐ": "b", "ϑ": "o", "ϕ": "o", "ϰ": "k",
    # small capitals and other Latin look-alikes
    "ᴀ": "a", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ᴊ": "j", "ᴋ": "k", "ᴍ": "m", "ᴏ": "o", "ᴘ": "p",
    "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z", "ø": "o", "ð": "d", "þ": "p", "ł": "l",
    "đ": "d", "ħ": "h", "ŀ": "l", "ß": "ss", "æ": "ae", "œ": "oe",
    # apostrophes, so "I’m" reads like "I'm"
    "’": "'", "‘": "'", "ʼ": "'", "′": "'",
}  # fmt: skip

# Invisible characters used to split words without changing how they look.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0x1D173, 0x1D17A),
    (0xE0000, 0xE007F), (0xE0100, 0xE01EF),
)  # fmt: skip

# Code points whose folding is computed: everything outside ASCII in the BMP, plus the
# supplementary blocks that hold letter and digit look-alikes.
_FOLDED_RANGES = ((0x0041, 0x005A), (0x0080, 0xFFFF), (0x1D400, 0x1D7FF), (0x1F100, 0x1F1FF))

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19",
}  # fmt: skip
# Each word checks the character before it after matching, so the regex starts with a literal
# and the regex engine can skip every position that cannot start a number word.
_NUMBER_WORD_RE = re.compile("|".join(rf"{word}(?<!\w{word})\b" for word in NUMBER_WORDS))

# Leetspeak: digits and "|" always read as letters in the words form; other symbols only before
# a letter or digit ("ca$h", "p@y"), and "$" also after one ("addre$$").
_LEET_FROM, _LEET_TO = b"01345789|", b"oieastbgl"
# One byte table for the words form: leet digits to letters, every other non-letter to a space.
_WORDS_BYTES = bytes(
    byte
    if ord("a") <= byte <= ord("z")
    else _LEET_TO[_LEET_FROM.index(byte)]
    if byte in _LEET_FROM
    else ord(" ")
    for byte in range(256)
)
_SYMBOL_LEET = {"@": "a", "$": "s", "!": "i", "€": "e", "¢": "c"}
# A symbol counts as a letter when a letter follows, possibly after more such symbols
# ("c@$h"); "$" and "@" also when separators stand between ("ca $ h"); "$" when a letter
# precedes it ("ca$", "addre€$$"); "€" and "¢" when a letter does ("zell€"), but never after
# a digit, where they are money ("20€").
# (One leading character class, then lookarounds: the regex engine then skips straight to the
# symbols instead of trying every position.)
_SYMBOL_LEET_RE = re.compile(
    r"[@$!€¢](?:(?=[@$!€¢]*[a-z0-9|])|(?<=[@$])(?=[^a-z0-9@$]{1,4}[a-z])"
    r"|(?<=[a-z0-9$€¢|]\$)|(?<=[a-z][€¢]))"
)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")


def _fold_char(ch: str) -> str:
    """What one code point folds to: compatibility letters, lower case, no marks, no look-alikes."""
    if ch in _CONFUSABLES:
        return _CONFUSABLES[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Me", "Mc", "Cf"))
    return "".join(_CONFUSABLES.get(c, c) for c in kept.lower())


def _emoji_letters() -> dict[int, str]:
    """Emoji and dingbat letters and digits that have no compatibility decomposition."""
    table: dict[int, str] = {}
    for index in range(26):
        letter = chr(ord("a") + index)
        table[0x1F1E6 + index] = letter  # regional indicator symbols (flag letters)
        table[0x1F150 + index] = letter  # negative circled capitals
        table[0x1F170 + index] = letter  # negative squared capitals
    for start in (0x2776, 0x2780, 0x278A):  # dingbat circled digits one..ten
        for index in range(10):
            table[start + index] = str(index + 1)
    table[0x1F51F] = "10"  # keycap ten
    return table


@cache
def fold_table() -> dict[int, str | None]:
    """The ``str.translate`` table of the text form (built once, on first use)."""
    table: dict[int, str | None] = {}
    for first, last in _FOLDED_RANGES:
        for code in range(first, last + 1):
            if 0xD800 <= code <= 0xDFFF:
                continue
            ch = chr(code)
            folded = _fold_char(ch)
            if folded != ch:
                table[code] = folded or None
    for code, replacement in _emoji_letters().items():
        table[code] = replacement
    for first, last in _INVISIBLE_RANGES:
        for code in range(first, last + 1):
            table[code] = None
    return table


@cache
def _fold_lengths() -> dict[str, int]:
    """Length of the folded form of every character that does not fold to exactly one."""
    return {
        chr(code): len(value or "")
        for code, value in fold_table().items()
        if value is None or len(value) != 1
    }


def _symbol_leet(match: re.Match[str]) -> str:
    return _SYMBOL_LEET[match.group()]


def _number_word(match: re.Match[str]) -> str:
    return NUMBER_WORDS[match.group()]


def _fold_run(match: re.Match[str]) -> str:
    return match.group().translate(fold_table())


def fold(text: str) -> str:
    """Compatibility, case and look-alike folding; invisible characters removed."""
    if text.isascii():
        return text.lower()
    # Translating only the non-ASCII runs is several times faster than the whole text.
    return _NON_ASCII_RE.sub(_fold_run, text).lower()


def text_form(folded: str) -> str:
    """The text form of already folded text: spelled-out numbers become digits."""
    return _NUMBER_WORD_RE.sub(_number_word, folded)


def _spaces(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _words_of(unleeted: str) -> str:
    if not unleeted.isascii():
        unleeted = _NON_ASCII_RE.sub(_spaces, unleeted)
    return " " + unleeted.encode().translate(_WORDS_BYTES).decode() + " "


def words_form(folded: str) -> str:
    """The words form of already folded text: leetspeak undone, every non-letter a space.

    It has exactly one character per character of ``folded`` (plus one space at each end), so
    its offset map is the folded text's.
    """
    return _words_of(_SYMBOL_LEET_RE.sub(_symbol_leet, folded))


def keyword_letters(keyword: str) -> str:
    """A keyword reduced the way message text is: folded, unleeted, letters only."""
    return words_form(fold(keyword)).replace(" ", "")


@dataclass(frozen=True, slots=True)
class Tracked:
    """A normalized string with, for each of its characters, the original ``[start, end)``."""

    text: str
    starts: list[int]
    ends: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalized slice ``[start, end)`` (non-empty)."""
        return self.starts[start], self.ends[end - 1]


def _tracked_fold(original: str) -> Tracked:
    lengths = _fold_lengths()
    if lengths.keys().isdisjoint(original):
        # Every character folds to exactly one: the offset map is the identity.
        return Tracked(
            fold(original), list(range(len(original))), list(range(1, len(original) + 1))
        )
    starts: list[int] = []
    ends: list[int] = []
    for index, ch in enumerate(original):
        count = lengths.get(ch, 1)
        if count:
            starts.extend([index] * count)
            ends.extend([index + 1] * count)
        elif ends:
            # A deleted character (zero-width, keycap, variation selector) belongs to the
            # character before it, so "5️⃣" is reported whole.
            ends[-1] = index + 1
    return Tracked(fold(original), starts, ends)


def _tracked_sub(
    pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str], source: Tracked
) -> Tracked:
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in pattern.finditer(source.text):
        first, last = match.span()
        pieces.append(source.text[position:first])
        starts.extend(source.starts[position:first])
        ends.extend(source.ends[position:first])
        replacement = replace(match)
        pieces.append(replacement)
        starts.extend([source.starts[first]] * len(replacement))
        ends.extend([source.ends[last - 1]] * len(replacement))
        position = last
    pieces.append(source.text[position:])
    starts.extend(source.starts[position:])
    ends.extend(source.ends[position:])
    return Tracked("".join(pieces), starts, ends)


@dataclass(frozen=True, slots=True)
class TrackedForms:
    """Both normalized forms of one message, with offset maps to the original text."""

    text: Tracked
    words: Tracked


def tracked_forms(original: str) -> TrackedForms:
    """Build the text and words forms with offset maps (the slow path, used on a match)."""
    folded = _tracked_fold(original)
    text = _tracked_sub(_NUMBER_WORD_RE, _number_word, folded)
    # Symbol leet and the words table replace one character by one: the map carries over.
    words_text = _words_of(_SYMBOL_LEET_RE.sub(_symbol_leet, folded.text))
    end = len(original)
    words = Tracked(words_text, [0, *folded.starts, end], [0, *folded.ends, end])
    return TrackedForms(text=text, words=words)
