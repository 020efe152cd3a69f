"""The compliance engine: rules compiled for one direction, evaluated on one message.

See DESIGN.md §7. :class:`CompiledRules` holds, for a list of rules and a direction, one regex
per rule and matcher, plus *prefilters*: a single trie regex of every keyword over the words
form, and over the text form each detector's cheap trigger before its full pattern. A message
that no prefilter matches (most messages) is allowed after a few C-level passes; only a match
pays for the offset maps and the per-rule passes that report exact spans on the original text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from huntaze.compliance.detectors import CONTEXT_DETECTORS, TEXT_DETECTORS
from huntaze.compliance.keywords import keywords_regex
from huntaze.compliance.models import CheckContext, Direction, Hit, Verdict, outcome_of
from huntaze.compliance.normalize import fold, text_form, tracked_forms, words_form
from huntaze.compliance.rules import Rule

# Patterns that number their groups cannot be joined into one alternation without changing
# what they mean, so they get their own prefilter.
_SELF_REFERENCING = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


class Form(Enum):
    """Which normalized form a matcher reads."""

    TEXT = "text"
    WORDS = "words"


@dataclass(frozen=True, slots=True)
class _Matcher:
    """One regex of one rule; ``trigger`` is a cheap necessary condition checked first, and
    ``skip`` the number of leading characters of a match that belong to no span."""

    rule: Rule
    form: Form
    regex: re.Pattern[str]
    trigger: re.Pattern[str] | None = None
    skip: int = 0


def _prefilters(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    joinable = [p for p in patterns if not _SELF_REFERENCING.search(p)]
    alone = [re.compile(p) for p in patterns if _SELF_REFERENCING.search(p)]
    if not joinable:
        return tuple(alone)
    try:
        joined = [re.compile("|".join(f"(?:{p})" for p in joinable))]
    except re.error:
        # Inline global flags or duplicate group names cannot be joined; keep them apart.
        joined = [re.compile(p) for p in joinable]
    return (*joined, *alone)


def _matchers(rule: Rule) -> list[_Matcher]:
    matchers = []
    if rule.keywords:
        # The leading space (a word boundary) is a literal the regex engine scans for quickly.
        regex = re.compile(" " + keywords_regex(rule.keywords))
        matchers.append(_Matcher(rule, Form.WORDS, regex, skip=1))
    matchers.extend(_Matcher(rule, Form.WORDS, re.compile(p)) for p in rule.patterns)
    matchers.extend(_Matcher(rule, Form.TEXT, re.compile(p)) for p in rule.text_patterns)
    if rule.detector in TEXT_DETECTORS:
        detector = TEXT_DETECTORS[rule.detector]
        matchers.append(
            _Matcher(
                rule, Form.TEXT, re.compile(detector.pattern), trigger=re.compile(detector.trigger)
            )
        )
    return matchers


class CompiledRules:
    """Rules ready to check messages going one way; build once, reuse for every message."""

    def __init__(self, rules: Sequence[Rule], direction: Direction) -> None:
        applicable = [rule for rule in rules if rule.direction.applies_to(direction)]
        self.direction = direction
        self.context_rules = tuple(rule for rule in applicable if rule.is_contextual)
        self.matchers = tuple(
            matcher for rule in applicable if not rule.is_contextual for matcher in _matchers(rule)
        )
        keywords = [keyword for rule in applicable for keyword in rule.keywords]
        word_patterns = [pattern for rule in applicable for pattern in rule.patterns]
        if keywords:
            word_patterns.insert(0, " " + keywords_regex(keywords))
        text_patterns = [p for rule in applicable for p in rule.text_patterns]
        detectors = [
            TEXT_DETECTORS[rule.detector] for rule in applicable if rule.detector in TEXT_DETECTORS
        ]
        self._opt_out_rules = frozenset(rule.id for rule in applicable if rule.opt_out)
        self._word_prefilters = _prefilters(word_patterns)
        self._text_prefilters = tuple(
            (pattern, pattern) for pattern in _prefilters(list(dict.fromkeys(text_patterns)))
        ) + tuple(
            (re.compile(detector.trigger), re.compile(detector.pattern))
            for detector in dict.fromkeys(detectors)
        )

    def _might_match(self, text: str) -> bool:
        folded = fold(text)
        words = words_form(folded)
        if any(prefilter.search(words) for prefilter in self._word_prefilters):
            return True
        digits = text_form(folded)
        return any(
            trigger.search(digits) is not None and pattern.search(digits) is not None
            for trigger, pattern in self._text_prefilters
        )

    def _text_hits(self, text: str) -> list[Hit]:
        forms = tracked_forms(text)
        hits: dict[tuple[str, int, int], Hit] = {}
        for matcher in self.matchers:
            tracked = forms.text if matcher.form is Form.TEXT else forms.words
            if matcher.trigger is not None and matcher.trigger.search(tracked.text) is None:
                continue
            for match in matcher.regex.finditer(tracked.text):
                first = match.start() + matcher.skip
                if match.end() <= first:
                    continue
                start, end = tracked.span(first, match.end())
                if end <= start:
                    continue
                rule = matcher.rule
                hits.setdefault(
                    (rule.id, start, end),
                    Hit(
                        rule=rule.id,
                        category=rule.category,
                        severity=rule.severity,
                        reason=rule.reason,
                        span=(start, end),
                        matched=text[start:end],
                        overridable=rule.overridable,
                    ),
                )
        return [hits[key] for key in sorted(hits, key=lambda key: (key[1], key[2], key[0]))]

    def _context_hits(self, context: CheckContext) -> list[Hit]:
        hits = []
        for rule in self.context_rules:
            detail = CONTEXT_DETECTORS[rule.detector or ""](context)
            if detail is not None:
                hits.append(
                    Hit(
                        rule=rule.id,
                        category=rule.category,
                        severity=rule.severity,
                        reason=rule.reason,
                        detail=detail,
                        overridable=rule.overridable,
                    )
                )
        return hits

    def check(self, text: str, context: CheckContext | None = None) -> Verdict:
        """The verdict on ``text`` going this engine's direction, with every rule hit."""
        hits = self._text_hits(text) if self._might_match(text) else []
        if context is not None:
            hits.extend(self._context_hits(context))
        found = tuple(hits)
        return Verdict(
            text=text,
            direction=self.direction,
            verdict=outcome_of(found),
            hits=found,
            opt_out=any(hit.rule in self._opt_out_rules for hit in found),
        )
