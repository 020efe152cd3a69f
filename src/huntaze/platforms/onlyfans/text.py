"""Message, post and description text as the platform renders it (DESIGN.md §3).

The web app's JSON carries text as HTML (``<p>…</p>``, ``<br>``, entities such as ``&#039;``).
:func:`plain_text` turns it into what a person reads; :func:`comparable` folds both that and the
text we sent into one form, so that "look before resending" recognises our own message however
the platform wrapped it.
"""

from __future__ import annotations

import html
import re

_BREAKS = re.compile(r"<\s*br\s*/?\s*>|<\s*/\s*(p|div|li)\s*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def plain_text(markup: str | None) -> str:
    """HTML from the JSON as plain text: one line per paragraph or break, entities decoded."""
    if not markup:
        return ""
    with_breaks = _BREAKS.sub("\n", markup)
    decoded = html.unescape(_TAGS.sub("", with_breaks))
    lines = (_SPACES.sub(" ", line).strip() for line in decoded.replace("\xa0", " ").split("\n"))
    return "\n".join(line for line in lines if line)


def comparable(text: str) -> str:
    """Plain text with every run of whitespace (line breaks included) as one space."""
    return _SPACES.sub(" ", text.replace("\xa0", " ")).strip()


def same_text(markup: str | None, sent: str) -> bool:
    """Whether the platform's HTML shows exactly the text we sent (up to whitespace)."""
    return comparable(plain_text(markup)) == comparable(sent)


def same_plain_text(shown: str, sent: str) -> bool:
    """Whether text already made plain (:func:`plain_text`) is the text we sent."""
    return comparable(shown) == comparable(sent)
