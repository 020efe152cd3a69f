"""The drafting persona of a creator: the creators domain's persona as the AI tasks read it."""

from __future__ import annotations

import re

from huntaze.ai.schemas import Persona, PersonaVoice
from huntaze.creators.schemas import CreatorOut

_SWEET = re.compile(r"\b(sweet|warm|kind|gentle|soft|caring|romantic|girl next door)\b", re.I)
_BOLD = re.compile(r"\b(bold|dominant|confident|teas\w*|spicy|bossy|sassy|direct)\b", re.I)


def voice_of(tone: str) -> PersonaVoice:
    """The template voice closest to the creator's stated tone."""
    if _BOLD.search(tone):
        return "bold"
    if _SWEET.search(tone):
        return "sweet"
    return "playful"


def persona_from_creator(creator: CreatorOut) -> Persona:
    """The persona a reply draft is written for, from the creator's saved persona."""
    boundaries = [b.strip() for b in re.split(r"[\n;]", creator.boundaries) if b.strip()]
    return Persona(
        name=creator.display_name,
        style=creator.tone or "warm, playful, short sentences",
        boundaries=boundaries[:20],
        voice=voice_of(creator.tone),
        price_floor_cents=creator.price_min_cents,
        custom_min_cents=creator.custom_min_cents,
        never_discount=creator.never_discount,
        pet_names=[n[:30] for n in creator.pet_names[:10]],
        emoji_level=creator.emoji_use,
        avoid_topics=creator.avoid_topics[:20],
        make_good=creator.make_good,
        currency=creator.currency,
    )
