"""The compliance engine: rules compiled for one direction, evaluated on one message.

See DESIGN.md §7. :class:`CompiledRules` holds, for a list of rules and a direction, one regex
per rule and matcher, plus *prefilters*: a single trie regex of every keyword over the words
form, and over the text form each detector's cheap trigger before its full pattern. A message
that no prefilter matches (most messages) is allowed after a few C-level passes; only a match
pays for the offset maps and the per-rule passes that report exact spans on the original text.

The bundled (trusted) rules and the detectors run on Python's ``re``; every pattern and keyword of
an organization's or a creator's rules runs on RE2 (:mod:`huntaze.compliance.patterns`), in its
own prefilters, so no customer pattern ever reaches a backtracking engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import islice

from huntaze.compliance.detectors import CONTEXT_DETECTORS, TEXT_DETECTORS
from huntaze.compliance.keywords import WORD_BOUNDARY_END, keywords_regex
from huntaze.compliance.models import CheckContext, Direction, Hit, Verdict, outcome_of
from huntaze.compliance.normalize import fold, text_form, tracked_forms, words_form
from huntaze.compliance.patterns import PatternError, Regex, compile_bundled, compile_linear
from huntaze.compliance.rules import Rule

# Patterns that number their groups cannot be joined into one alternation without changing
# what they mean, so they get their own prefilter.
_SELF_REFERENCING = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
# More spans of one rule in one message tell a person nothing new; the cap also bounds the work
# of a customer pattern that matches at every position.
MAX_SPANS_PER_MATCHER = 100


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
    regex: Regex
    trigger: Regex | None = None
    skip: int = 0
    reject: Regex | None = None


def _matches(pattern: Regex, reject: Regex | None, text: str) -> bool:
    """Whether ``pattern`` matches ``text`` somewhere that ``reject`` does not match in full."""
    if reject is None:
        return pattern.search(text) is not None
    return any(
        reject.fullmatch(text[match.start() : match.end()]) is None
        for match in pattern.finditer(text)
    )


def _prefilters(patterns: Sequence[str]) -> tuple[Regex, ...]:
    joinable = [p for p in patterns if not _SELF_REFERENCING.search(p)]
    alone = [re.compile(p) for p in patterns if _SELF_REFERENCING.search(p)]
    if not joinable:
        return tuple(alone)
    try:
        joined: list[Regex] = [re.compile("|".join(f"(?:{p})" for p in joinable))]
    except re.error:
        # Inline global flags or duplicate group names cannot be joined; keep them apart.
        joined = [re.compile(p) for p in joinable]
    return (*joined, *alone)


def _keywords_prefilter(keywords: Sequence[str]) -> tuple[Regex, ...]:
    """Every bundled keyword in one regex, compiled by RE2 (milliseconds, where Python's parser
    takes seconds for an alternation this large)."""
    if not keywords:
        return ()
    return (compile_bundled(" " + keywords_regex(tuple(keywords), end=WORD_BOUNDARY_END)),)


def _linear_prefilters(patterns: Sequence[str]) -> tuple[Regex, ...]:
    if not patterns:
        return ()
    try:
        return (compile_linear("|".join(f"(?:{p})" for p in patterns), written=False),)
    except PatternError:
        # Each was accepted on save; only their union is too large: keep them apart.
        return tuple(compile_linear(p, written=False) for p in patterns)


def _compile_accepted(pattern: str) -> Regex:
    """A customer pattern or keyword regex that was accepted on save."""
    return compile_linear(pattern, written=False)


def _keyword_pattern(rule: Rule) -> str:
    # The leading space (a word boundary) is a literal the regex engine scans for quickly.
    return " " + keywords_regex(rule.keywords, end=WORD_BOUNDARY_END)


def _matchers(rule: Rule) -> list[_Matcher]:
    compile_: Callable[[str], Regex] = re.compile if rule.trusted else _compile_accepted
    matchers = []
    if rule.keywords:
        # Keyword regexes are large alternations: RE2 compiles them in milliseconds where
        # Python's parser takes seconds (every worker paid that before its first send).
        pattern = _keyword_pattern(rule)
        keyword_regex = compile_bundled(pattern) if rule.trusted else _compile_accepted(pattern)
        matchers.append(_Matcher(rule, Form.WORDS, keyword_regex, skip=1))
    matchers.extend(_Matcher(rule, Form.WORDS, compile_(p)) for p in rule.patterns)
    matchers.extend(_Matcher(rule, Form.TEXT, compile_(p)) for p in rule.text_patterns)
    if rule.detector in TEXT_DETECTORS:
        detector = TEXT_DETECTORS[rule.detector]
        matchers.append(
            _Matcher(
                rule,
                Form.TEXT,
                re.compile(detector.pattern),
                trigger=re.compile(detector.trigger),
                reject=re.compile(detector.reject) if detector.reject else None,
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
        trusted = [rule for rule in applicable if rule.trusted]
        customer = [rule for rule in applicable if not rule.trusted]
        keywords = [keyword for rule in trusted for keyword in rule.keywords]
        word_patterns = [pattern for rule in trusted for pattern in rule.patterns]
        text_patterns = [p for rule in trusted for p in rule.text_patterns]
        customer_words = [_keyword_pattern(rule) for rule in customer if rule.keywords] + [
            pattern for rule in customer for pattern in rule.patterns
        ]
        customer_text = list(dict.fromkeys(p for rule in customer for p in rule.text_patterns))
        detectors = [
            TEXT_DETECTORS[rule.detector] for rule in applicable if rule.detector in TEXT_DETECTORS
        ]
        self._opt_out_rules = frozenset(rule.id for rule in applicable if rule.opt_out)
        self._word_prefilters = (
            _keywords_prefilter(keywords)
            + _prefilters(word_patterns)
            + _linear_prefilters(customer_words)
        )
        text_prefilters = _prefilters(list(dict.fromkeys(text_patterns)))
        text_prefilters += _linear_prefilters(customer_text)
        self._text_prefilters: tuple[tuple[Regex, Regex, Regex | None], ...] = tuple(
            (pattern, pattern, None) for pattern in text_prefilters
        ) + tuple(
            (
                re.compile(detector.trigger),
                re.compile(detector.pattern),
                re.compile(detector.reject) if detector.reject else None,
            )
            for detector in dict.fromkeys(detectors)
        )

    def _might_match(self, text: str) -> bool:
        folded = fold(text)
        words = words_form(folded)
        if any(prefilter.search(words) for prefilter in self._word_prefilters):
            return True
        digits = text_form(folded)
        return any(
            trigger.search(digits) is not None and _matches(pattern, reject, digits)
            for trigger, pattern, reject in self._text_prefilters
        )

    def _text_hits(self, text: str) -> list[Hit]:
        forms = tracked_forms(text)
        hits: dict[tuple[str, int, int], Hit] = {}
        for matcher in self.matchers:
            tracked = forms.text if matcher.form is Form.TEXT else forms.words
            if matcher.trigger is not None and matcher.trigger.search(tracked.text) is None:
                continue
            for match in islice(matcher.regex.finditer(tracked.text), MAX_SPANS_PER_MATCHER):
                matched = tracked.text[match.start() : match.end()]
                if matcher.reject is not None and matcher.reject.fullmatch(matched):
                    continue
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
            detail = CONTEXT_DETECTORS[rule.detector or ""](context, rule.params)
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
        return self._verdict(text, tuple(hits))

    def check_sending_limits(self, text: str, context: CheckContext) -> Verdict:
        """The verdict of the rules on the sending context alone (caps, quiet hours, opt-out,
        PPV gap): what can change between a message's creation and its sending."""
        return self._verdict(text, tuple(self._context_hits(context)))

    def _verdict(self, text: str, found: tuple[Hit, ...]) -> Verdict:
        return Verdict(
            text=text,
            direction=self.direction,
            verdict=outcome_of(found),
            hits=found,
            opt_out=any(hit.rule in self._opt_out_rules for hit in found),
        )
