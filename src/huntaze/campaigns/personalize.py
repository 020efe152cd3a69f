"""Per-fan personalization of a campaign's text: ``{{name}}`` style variables.

The variables are a fixed list; a text naming any other is refused when the campaign is written,
with the known names in the message. Rendering is plain substitution (no expressions), so a fan's
name cannot inject anything; a blank value falls back to a neutral word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from huntaze.core.errors import InvalidInputError, field_error

VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
VARIABLES: dict[str, str] = {
    "name": "The fan's display name (their username when they have none).",
    "username": "The fan's username on the platform.",
    "creator": "The creator's display name.",
}
FALLBACK = {"name": "there", "username": "there", "creator": ""}


@dataclass(frozen=True, slots=True)
class FanValues:
    """What the variables of one fan stand for."""

    username: str
    display_name: str

    def values(self, creator: str) -> dict[str, str]:
        return {
            "name": (self.display_name or self.username).strip(),
            "username": self.username.strip(),
            "creator": creator,
        }


def variables_in(text: str) -> list[str]:
    """The variable names ``text`` uses, in order of first use."""
    return list(dict.fromkeys(match.group(1) for match in VARIABLE.finditer(text)))


def check_template(text: str) -> None:
    """Refuse a text that names an unknown variable (422, with the known names)."""
    unknown = [name for name in variables_in(text) if name not in VARIABLES]
    if unknown:
        known = ", ".join("{{" + name + "}}" for name in VARIABLES)
        listed = ", ".join("{{" + name + "}}" for name in unknown)
        message = f"Unknown template variable {listed}; the variables are {known}."
        raise InvalidInputError(message, errors=[field_error("text", message)])


def render(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each variable replaced by its value (a fallback when blank)."""

    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        return values.get(name) or FALLBACK.get(name, "")

    return VARIABLE.sub(value_of, text)
