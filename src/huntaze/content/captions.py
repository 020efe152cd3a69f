"""Captions and hashtags per target platform, on the structure of the chat assistant (DESIGN.md
§4, §6 "Content pipeline"; ``huntaze.ai.drafting``): decide, write from the creator's own best
material, let the model fill in, and gate every output.

1. **Decide.** The topic itself is checked by compliance first: a topic the rules block gets no
   caption at all, on any platform, and the reason is shown.
2. **The creator's material.** The texts of the creator's PPVs that fans bought most are read
   for their call to action (their last sentence) and their words; a platform where selling in
   the caption is not welcome (Instagram, TikTok, X, Reddit) gets a neutral one instead.
3. **The model fills in.** The ``content.caption`` and ``content.hashtags`` AI tasks (their own
   gates: length, language, relevance, compliance) write one variant in the creator's persona;
   templates filled from step 2 write the others, so there are always several, model or not.
4. **Gate.** Every variant is fitted to its platform (length, hashtag count, banned and
   shadow-banned tags from ``hashtag_rules.yaml``), then checked by compliance as the outbound
   text it would be: ``block`` drops it (the reason is kept), ``review`` marks it.

:func:`check_caption` runs the same platform rules on any caption; the calendar uses it before a
post is scheduled, not at publish time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.ai.agents.content import normalize_hashtag, topic_words
from huntaze.ai.drafting.persona import persona_from_creator
from huntaze.ai.schemas import CaptionInput, HashtagsInput
from huntaze.ai.service import ai
from huntaze.compliance.models import Direction, Outcome
from huntaze.compliance.service import compliance
from huntaze.core.tenancy import OrgId, in_organization
from huntaze.creators.models import Creator, PlatformAccount
from huntaze.creators.schemas import CreatorOut
from huntaze.inbox.models import ChatMessage
from huntaze.outbox.models import OutboundMessage

RULES_FILE = Path(__file__).with_name("hashtag_rules.yaml")
_HASHTAG = re.compile(r"#(\w+)", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True, slots=True)
class PlatformRules:
    """What a caption may be on one platform."""

    name: str
    label: str
    max_chars: int
    max_hashtags: int
    sells_in_caption: bool
    neutral_cta: str


PLATFORMS: dict[str, PlatformRules] = {
    # OnlyFans publishes no caption limit; this house limit keeps posts readable in the feed.
    "onlyfans": PlatformRules("onlyfans", "OnlyFans", 1000, 5, True, ""),
    # Off the fan platform a caption invites, it does not sell, and it names no link: the
    # compliance rules treat "link in bio" as sending fans off the platform.
    "instagram": PlatformRules(
        "instagram", "Instagram", 2200, 30, False, "Which look is your favourite?"
    ),
    "x": PlatformRules("x", "X", 280, 3, False, "More soon."),
    "tiktok": PlatformRules("tiktok", "TikTok", 2200, 8, False, "Which one should I post next?"),
    "reddit": PlatformRules("reddit", "Reddit (title)", 300, 0, False, ""),
}


@cache
def _banned() -> dict[str, frozenset[str]]:
    loaded = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")) or {}
    return {name: frozenset(str(t).lower() for t in tags or ()) for name, tags in loaded.items()}


def banned_hashtags(platform: str) -> frozenset[str]:
    """The tags (no '#', lower case) never to use on ``platform``."""
    rules = _banned()
    return rules.get("all", frozenset()) | rules.get(platform, frozenset())


def hashtags_in(text: str) -> list[str]:
    """The hashtags of a text, as written, without the '#'."""
    return _HASHTAG.findall(text)


def check_caption(platform: str, text: str) -> list[str]:
    """What breaks the platform's rules in a caption (empty when it fits)."""
    rules = PLATFORMS[platform]
    problems = []
    if len(text) > rules.max_chars:
        problems.append(
            f"{rules.label} takes at most {rules.max_chars} characters; this has {len(text)}."
        )
    tags = hashtags_in(text)
    if len(tags) > rules.max_hashtags:
        allowed = f"at most {rules.max_hashtags}" if rules.max_hashtags else "no"
        problems.append(f"{rules.label} takes {allowed} hashtags; this has {len(tags)}.")
    banned = sorted({t.lower() for t in tags} & banned_hashtags(platform))
    if banned:
        listed = ", ".join(f"#{t}" for t in banned)
        problems.append(f"Banned or shadow-banned on {rules.label}: {listed}.")
    return problems


@dataclass(slots=True)
class CaptionVariant:
    """One caption for one platform, its hashtags, where it came from and its verdict."""

    platform: str
    caption: str
    hashtags: list[str]
    source: str
    verdict: str = "allow"
    reasons: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The caption as it would be posted, hashtags after it."""
        return f"{self.caption} {' '.join(self.hashtags)}".strip()

    @property
    def rules(self) -> PlatformRules:
        """The platform's rules."""
        return PLATFORMS[self.platform]


@dataclass(slots=True)
class CaptionPlan:
    """Variants per platform, and what was refused and why."""

    topic: str
    variants: dict[str, list[CaptionVariant]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    best_material: list[str] = field(default_factory=list)


def best_sold_texts(session: Session, org: OrgId, creator_id: str, *, limit: int = 3) -> list[str]:
    """The texts of the creator's PPVs that fans bought most, best first."""
    bought = func.count(ChatMessage.id)
    stmt = (
        in_organization(select(OutboundMessage.text, bought), org, OutboundMessage)
        .join(PlatformAccount, PlatformAccount.id == OutboundMessage.platform_account_id)
        .join(
            ChatMessage,
            (ChatMessage.platform_account_id == OutboundMessage.platform_account_id)
            & (ChatMessage.nonce == OutboundMessage.nonce),
        )
        .where(
            PlatformAccount.creator_id == creator_id,
            OutboundMessage.kind.in_(("ppv", "mass_message")),
            OutboundMessage.state == "sent",
            ChatMessage.purchased.is_(True),
        )
        .group_by(OutboundMessage.text)
        .order_by(bought.desc(), OutboundMessage.text)
        .limit(limit)
    )
    return [str(text) for text, _ in session.execute(stmt).all()]


def call_to_action(texts: Sequence[str]) -> str:
    """The last sentence of the best-selling text: how this creator asks fans to buy."""
    for text in texts:
        sentences = [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]
        if len(sentences) > 1 and len(sentences[-1]) <= 80:
            return sentences[-1]
    return ""


def _fit(variant: CaptionVariant) -> CaptionVariant:
    """Keep the caption's own hashtags within the platform's count (banned ones and the surplus
    become plain words), add the suggested ones that are not banned or there already up to the
    count, then shorten until the text fits the platform."""
    rules = variant.rules
    banned = banned_hashtags(variant.platform)
    kept: list[str] = []

    def keep_or_unhash(match: re.Match[str]) -> str:
        tag = match.group(1)
        if tag.lower() in banned or len(kept) >= rules.max_hashtags:
            return tag
        kept.append(f"#{tag.lower()}")
        return match.group(0)

    variant.caption = _HASHTAG.sub(keep_or_unhash, variant.caption)
    tags: dict[str, None] = {}
    for raw in variant.hashtags:
        tag = normalize_hashtag(raw)
        if tag and tag[1:] not in banned and tag not in kept:
            tags.setdefault(tag, None)
    variant.hashtags = list(tags)[: rules.max_hashtags - len(kept)]
    while variant.hashtags and len(variant.text) > rules.max_chars:
        variant.hashtags.pop()
    if len(variant.text) > rules.max_chars:
        cut = variant.caption[: rules.max_chars - 1].rsplit(" ", 1)[0]
        variant.caption = f"{cut}…"
    return variant


class CaptionService:
    """Writes checked captions and hashtags for a creator's post, per platform."""

    def write(
        self,
        session: Session,
        actor: Actor,
        creator: Creator,
        *,
        topic: str,
        platforms: Sequence[str],
        variants: int = 3,
        use_model: bool = True,
    ) -> CaptionPlan:
        """Up to ``variants`` captions per platform for ``topic``, each fitted to the platform
        and compliance-checked; nothing at all when compliance blocks the topic. The model
        writes one of them when ``use_model`` and the actor may use AI."""
        actor.require(Permission.CREATORS_READ)
        plan = CaptionPlan(topic=topic)
        verdict = compliance.check(
            session, org=actor.org, creator_id=creator.id, text=topic, direction=Direction.OUTBOUND
        )
        if verdict.verdict is Outcome.BLOCK:
            reasons = "; ".join(hit.reason for hit in verdict.hits)
            plan.refused.append(f"No caption for this topic: {reasons}")
            return plan
        plan.best_material = best_sold_texts(session, actor.org, creator.id)
        own_cta = call_to_action(plan.best_material)
        keywords = topic_words(*plan.best_material)[:10]
        for platform in platforms:
            made = self._candidates(
                session, actor, creator, topic, platform, own_cta, keywords, use_model=use_model
            )
            kept: list[CaptionVariant] = []
            for variant in made:
                _fit(variant)
                checked = compliance.check(
                    session,
                    org=actor.org,
                    creator_id=creator.id,
                    text=variant.text,
                    direction=Direction.OUTBOUND,
                )
                variant.verdict = checked.verdict.value
                variant.reasons = [hit.reason for hit in checked.hits]
                if checked.verdict is Outcome.BLOCK:
                    plan.refused.append(
                        f"{variant.rules.label}: the {variant.source} variant was blocked "
                        f"({'; '.join(variant.reasons)})."
                    )
                elif variant.text not in {k.text for k in kept}:
                    kept.append(variant)
            plan.variants[platform] = kept[:variants]
        return plan

    def _candidates(
        self,
        session: Session,
        actor: Actor,
        creator: Creator,
        topic: str,
        platform: str,
        own_cta: str,
        keywords: list[str],
        *,
        use_model: bool,
    ) -> list[CaptionVariant]:
        rules = PLATFORMS[platform]
        cta = own_cta if rules.sells_in_caption else rules.neutral_cta
        if rules.sells_in_caption and not cta:
            cta = "Unlock it in my messages."
        topic_text = topic.strip().rstrip(".")
        tags = [f"#{w}" for w in topic_words(topic)][: rules.max_hashtags]
        found: list[CaptionVariant] = []
        if use_model and actor.can(Permission.AI_USE):
            found.extend(
                self._from_model(session, actor, creator, topic, rules, keywords, fallback=tags)
            )
        templates = (
            (f"{topic_text[:1].upper()}{topic_text[1:]}. {cta}", "your best PPV"),
            (f"New: {topic_text} ✨ {cta}", "template"),
            (f"{topic_text[:1].upper()}{topic_text[1:]} — just for you 💕", "template"),
        )
        for caption, source in templates:
            own = source if cta and cta == own_cta else "template"
            found.append(CaptionVariant(platform, caption.strip(), list(tags), own))
        return found

    def _from_model(
        self,
        session: Session,
        actor: Actor,
        creator: Creator,
        topic: str,
        rules: PlatformRules,
        keywords: list[str],
        *,
        fallback: list[str],
    ) -> list[CaptionVariant]:
        persona = persona_from_creator(CreatorOut.model_validate(creator))
        budget = max(40, min(2000, rules.max_chars - 12 * rules.max_hashtags))
        written = ai.run(
            session,
            actor,
            "content.caption",
            CaptionInput(
                topic=topic[:300],
                platform=rules.name,
                persona=persona,
                tone=(creator.tone or "playful")[:60],
                keywords=keywords,
                max_chars=budget,
            ),
            creator_id=creator.id,
        )
        caption = str(written.output.caption)
        hashtags = fallback
        if rules.max_hashtags:
            tagged = ai.run(
                session,
                actor,
                "content.hashtags",
                HashtagsInput(
                    topic=topic[:300],
                    caption=caption[:2000],
                    platform=rules.name,
                    count=min(15, rules.max_hashtags),
                ),
                creator_id=creator.id,
            )
            hashtags = list(tagged.output.hashtags)
        source = "template (no model answer)" if written.fallback else "model"
        return [CaptionVariant(rules.name, caption, hashtags if rules.max_hashtags else [], source)]


captions = CaptionService()
