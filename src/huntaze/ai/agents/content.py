"""The content agent: captions, hashtags and post ideas (DESIGN.md §4, §6 content pipeline).

Rules pull topic words out of the request; ``finalize`` cleans the model's hashtags and tops them
up from the topic, so even a weak answer becomes a usable list.
"""

from __future__ import annotations

import re

from huntaze.ai.agents.base import TaskSpec, phrase
from huntaze.ai.gates import (
    ComplianceGate,
    LanguageGate,
    LengthGate,
    RelevanceGate,
    SystemEchoGate,
    word_set,
    words,
)
from huntaze.ai.schemas import (
    CaptionInput,
    CaptionOutput,
    ContentIdea,
    HashtagsInput,
    HashtagsOutput,
    IdeasInput,
    IdeasOutput,
)

AGENT = "content"
_SHORT = word_set("the and for with your you from this that into")


def topic_words(*texts: str) -> list[str]:
    """Distinct content words of ``texts`` in order of appearance (no short or filler words)."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in words(text):
            if len(word) > 2 and word not in _SHORT:
                seen.setdefault(word, None)
    return list(seen)


def _caption_terms(data: CaptionInput) -> frozenset[str]:
    return frozenset(topic_words(data.topic, " ".join(data.keywords)))


def _caption_fallback(data: CaptionInput) -> CaptionOutput:
    text = f"{data.topic.strip().rstrip('.')} — {phrase('new_for_you', data.language)} ✨"
    return CaptionOutput(caption=text[: data.max_chars])


CAPTION: TaskSpec[CaptionInput, CaptionOutput] = TaskSpec(
    name="content.caption",
    agent=AGENT,
    input_model=CaptionInput,
    output_model=CaptionOutput,
    prompt="content/caption.v1",
    fallback=_caption_fallback,
    gated_text=lambda out: out.caption,
    topic_terms=_caption_terms,
    gates=(
        SystemEchoGate(),
        LengthGate(),
        LanguageGate(),
        RelevanceGate(require_overlap=True),
        ComplianceGate(),
    ),
    max_tokens=120,
)

_TAG_CHARS = re.compile(r"[\W_]", re.UNICODE)


def normalize_hashtag(raw: str) -> str:
    """``"#Beach Day!"`` → ``"#beachday"``; empty if nothing usable is left."""
    body = _TAG_CHARS.sub("", raw.lower())
    return f"#{body}" if body else ""


def _hashtags_from_topic(data: HashtagsInput) -> list[str]:
    return [f"#{w}" for w in topic_words(data.topic, data.caption)]


def _hashtags_finalize(data: HashtagsInput, out: HashtagsOutput) -> HashtagsOutput:
    tags: dict[str, None] = {}
    for tag in [*(normalize_hashtag(t) for t in out.hashtags), *_hashtags_from_topic(data)]:
        if 2 < len(tag) <= 40:
            tags.setdefault(tag, None)
    if not tags:
        raise ValueError("no usable hashtag")
    return HashtagsOutput(hashtags=list(tags)[: data.count])


def _hashtags_fallback(data: HashtagsInput) -> HashtagsOutput:
    tags = _hashtags_from_topic(data) or [f"#{data.platform.lower()}"]
    return HashtagsOutput(hashtags=tags[: data.count])


HASHTAGS: TaskSpec[HashtagsInput, HashtagsOutput] = TaskSpec(
    name="content.hashtags",
    agent=AGENT,
    input_model=HashtagsInput,
    output_model=HashtagsOutput,
    prompt="content/hashtags.v1",
    fallback=_hashtags_fallback,
    gated_text=lambda out: " ".join(out.hashtags),
    finalize=_hashtags_finalize,
    gates=(SystemEchoGate(), RelevanceGate(), ComplianceGate()),
    max_tokens=80,
)


def _ideas_finalize(data: IdeasInput, out: IdeasOutput) -> IdeasOutput:
    recent = {t.strip().lower() for t in data.recent_titles}
    fresh: dict[str, ContentIdea] = {}
    for idea in out.ideas:
        key = idea.title.strip().lower()
        if key not in recent and key != data.niche.strip().lower() and words(idea.hook):
            fresh.setdefault(key, idea)
    if not fresh:
        raise ValueError("no new idea with a title and a hook")
    return IdeasOutput(ideas=list(fresh.values())[: data.count])


def _ideas_fallback(data: IdeasInput) -> IdeasOutput:
    formats = ("photo", "video", "text", "live", "bundle")
    niche = data.niche.strip().rstrip(".")
    ideas = [
        ContentIdea(
            title=f"{niche}: {kind} #{i + 1}",
            format=kind,
            hook=f"{niche} — {phrase('new_for_you', data.language)}",
        )
        for i, kind in enumerate(formats[: data.count])
    ]
    return IdeasOutput(ideas=ideas)


IDEAS: TaskSpec[IdeasInput, IdeasOutput] = TaskSpec(
    name="content.ideas",
    agent=AGENT,
    input_model=IdeasInput,
    output_model=IdeasOutput,
    prompt="content/ideas.v1",
    fallback=_ideas_fallback,
    gated_text=lambda out: " ".join(f"{i.title}. {i.hook}" for i in out.ideas),
    finalize=_ideas_finalize,
    gates=(SystemEchoGate(), LanguageGate(), RelevanceGate(), ComplianceGate()),
    max_tokens=220,
)
