"""The reply template library: intent-tagged templates with slots, per voice and language.

The bundled starter library (``templates.yaml``) is written in three persona voices; a creator's
own templates, when given, come first. Slots are filled from the persona and the fan (DESIGN.md
§4: replies grounded in the creator's own material); a template whose slot has no value is
skipped, so a draft never carries an unfilled slot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

LIBRARY_FILE = Path(__file__).with_name("templates.yaml")
_SLOT = re.compile(r"\{(\w+)\}")
_EMOJI = {"none": ("",), "light": (" 😊", " 😘", " 💕"), "heavy": (" 😘💕", " 🥰✨", " 😍🔥")}
# Where the fan's name would be, with nothing to put there: drop it with its comma or space.
_NAME_GAPS = (", {name}", " {name},", " {name}", "{name}, ", "{name}")

Library = Mapping[str, Mapping[str, Mapping[str, list[str]]]]


@dataclass(frozen=True)
class Template:
    """One template of the library."""

    intent: str
    voice: str
    language: str
    text: str


@cache
def starter_library() -> Library:
    """The bundled starter library, read once."""
    loaded: Library = yaml.safe_load(LIBRARY_FILE.read_text(encoding="utf-8"))
    return loaded


def templates_for(
    intent: str, voice: str, language: str, library: Library | None = None
) -> list[Template]:
    """The templates for an intent in the persona's voice first, then for every voice."""
    lib = library if library is not None else starter_library()
    by_voice = lib.get(intent, {})
    found: list[Template] = []
    for v in (voice, "any"):
        for text in by_voice.get(v, {}).get(language, []):
            found.append(Template(intent=intent, voice=v, language=language, text=text))
    return found


def emoji(level: str, seed: int) -> str:
    """An emoji (with its leading space) for the persona's emoji level, or nothing."""
    options = _EMOJI.get(level, _EMOJI["light"])
    return options[seed % len(options)]


def fill(template: str, slots: Mapping[str, str]) -> str | None:
    """The template with its slots filled, or ``None`` when a slot has no value."""
    text = template
    if not slots.get("name"):
        for gap in _NAME_GAPS:
            text = text.replace(gap, "")
    if not slots.get("e"):
        # Without an emoji the sentence still needs its punctuation.
        text = re.sub(r"\{e\}(?= [A-ZÀ-Ý¿¡])", ".", text)
        text = re.sub(r"\{e\}(?= )", ",", text)
        text = re.sub(r"\{e\}$", ".", text)
        text = re.sub(r"([.!?])\.$", r"\1", text)
    needed = set(_SLOT.findall(text))
    if any(not slots.get(slot) and slot != "e" for slot in needed):
        return None
    filled = _SLOT.sub(lambda m: slots.get(m.group(1), ""), text)
    filled = re.sub(r"\s+([,.!?])", r"\1", filled)
    filled = re.sub(r"\s{2,}", " ", filled).strip()
    return filled[:1].upper() + filled[1:]
