"""Versioned Jinja2 prompt templates and their renderer (DESIGN.md §4).

A template ``<area>/<task>.v<N>.j2`` extends ``_base.v1.j2`` and renders a system part and a user
part separated by a marker line. Anything written by fans or other outsiders goes through the
``data`` filter, which strips delimiter look-alikes and wraps it in a ``<<<DATA … DATA>>>``
section the system prompt tells the model to treat as data, never as instructions. A prompt's
version is its file name without ``.j2``, and is recorded with every call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

USER_MARKER = "@@user@@"
_DELIMITERS = re.compile(r"<<<|>>>|@@user@@|<\|im_(start|end)\|>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def as_data(value: object, label: str = "data", limit: int = 2000) -> str:
    """``value`` as a delimited, sanitized data section the model must not obey."""
    text = _CONTROL.sub(" ", _DELIMITERS.sub(" ", str(value))).strip()[:limit]
    return f"<<<DATA {label}\n{text}\nDATA>>>"


def conversation(messages: list[Any], last: int = 8) -> str:
    """The last messages as ``fan: …`` / ``creator: …`` lines."""
    return "\n".join(f"{m.sender}: {m.text}" for m in messages[-last:])


_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent),
    undefined=StrictUndefined,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)
_env.filters["data"] = as_data
_env.filters["conversation"] = conversation


_DATA_SECTION = re.compile(r"<<<DATA .*?DATA>>>", re.S)


@dataclass(frozen=True)
class RenderedPrompt:
    """A prompt ready for a provider, with the version to record."""

    version: str
    system: str
    user: str

    @property
    def instructions(self) -> str:
        """System and user text without the data sections: our words, not the fans'."""
        return _DATA_SECTION.sub(" ", f"{self.system}\n{self.user}")


def render(version: str, variables: dict[str, Any]) -> RenderedPrompt:
    """Render template ``version`` (e.g. ``chat/reply_draft.v1``) with ``variables``."""
    text = _env.get_template(f"{version}.j2").render(**variables)
    system, _, user = text.partition(USER_MARKER)
    return RenderedPrompt(version=version, system=system.strip(), user=user.strip())
