"""Keyword lists compiled into one evasion-tolerant regex over the words form (DESIGN.md §7).

A keyword such as ``"cash app"`` or ``"(add|follow) me on (snap|sc)"`` is expanded into its
alternatives, reduced to letters like message text is (:func:`normalize.keyword_letters`), and
put in a trie. The trie becomes one regex whose branches start with literal letters, so the
regex engine discards most word starts after one comparison. Between any two letters the regex
accepts spaces (every separator is a space in the words form), a letter may be repeated
("paaaypal"), and ``i`` and ``l`` stand for each other (``1`` and ``|`` are used for either).
A match must start and end on a word boundary, so "snap" never fires inside "snapshot". The
end is a lookahead for Python's ``re`` (bundled rules) and ``\\b`` for RE2 (customer rules, see
:mod:`huntaze.compliance.patterns`), which has no lookarounds; in the words form, made only of
letters and spaces, the two mean the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import groupby, product

from huntaze.compliance.normalize import keyword_letters

MAX_EXPANSIONS = 2048
MAX_REPEAT = 8
_GROUP_RE = re.compile(r"\(([^()]*)\)")
_LETTER_CLASSES = {"i": "[il]", "l": "[il]"}
LOOKAHEAD_END = "(?= )"
WORD_BOUNDARY_END = r"\b"

Token = tuple[str, int]


class KeywordError(ValueError):
    """A keyword that cannot be compiled; the message says why."""


def expand(keyword: str) -> list[str]:
    """All spellings of a keyword with ``(a|b)`` groups (an empty branch makes a part optional)."""
    if keyword.count("(") != keyword.count(")") or "((" in keyword:
        raise KeywordError(f"keyword {keyword!r} has unbalanced or nested parentheses")
    pieces: list[list[str]] = []
    position = 0
    for match in _GROUP_RE.finditer(keyword):
        pieces.append([keyword[position : match.start()]])
        pieces.append(match.group(1).split("|"))
        position = match.end()
    pieces.append([keyword[position:]])
    if any("(" in part or ")" in part for options in pieces for part in options):
        raise KeywordError(f"keyword {keyword!r} has unbalanced or nested parentheses")
    total = 1
    for options in pieces:
        total *= len(options)
    if total > MAX_EXPANSIONS:
        raise KeywordError(f"keyword {keyword!r} expands to more than {MAX_EXPANSIONS} phrases")
    return ["".join(parts) for parts in product(*pieces)]


def tokens(keyword: str) -> tuple[Token, ...]:
    """The letters of one keyword spelling as (letter, minimum repeat) runs."""
    letters = keyword_letters(keyword)
    if not letters:
        raise KeywordError(f"keyword {keyword!r} has no letters after normalization")
    return tuple((letter, len(list(run))) for letter, run in groupby(letters))


@dataclass
class _Node:
    children: dict[Token, _Node] = field(default_factory=dict)
    terminal: bool = False


def _token_regex(token: Token) -> str:
    letter, count = token
    cls = _LETTER_CLASSES.get(letter, letter)
    return f"{cls}(?: *{cls}){{{count - 1},{count - 1 + MAX_REPEAT}}}"


def _emit(node: _Node, end: str) -> str:
    branches = []
    for token, child in sorted(node.children.items()):
        tails = []
        if child.children:
            tails.append(" *" + _emit(child, end))
        if child.terminal:
            tails.append(end)
        tail = tails[0] if len(tails) == 1 else "(?:" + "|".join(tails) + ")"
        branches.append(_token_regex(token) + tail)
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def keywords_regex(keywords: list[str] | tuple[str, ...], *, end: str = LOOKAHEAD_END) -> str:
    """One regex (without the leading boundary) matching any of ``keywords`` in the words form;
    ``end`` is how a keyword's end is tested (:data:`WORD_BOUNDARY_END` for RE2)."""
    root = _Node()
    for keyword in keywords:
        for spelling in expand(keyword):
            node = root
            for token in tokens(spelling):
                node = node.children.setdefault(token, _Node())
            node.terminal = True
    return _emit(root, end)
