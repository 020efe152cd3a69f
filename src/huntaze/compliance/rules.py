"""Compliance rules as data: loading and validating rule sets (DESIGN.md §7).

A rule set is YAML (or the equivalent dict) of the form::

    name: agency-extra
    rules:
      - id: payment.revolut
        category: off_platform_payment
        severity: block            # block | review
        direction: both            # outbound | inbound | both
        reason: Payments must stay on the platform.
        keywords: ["revolut", "(send|pay) (me|you) on revolut"]
        patterns: []               # regexes over the words form (non-letters as spaces)
        text_patterns: []          # regexes over the text form (folded, digits kept)
        detector: null             # a name from detectors.DETECTOR_NAMES
        params: null               # the limits of a sending-limit detector (limits.py)
        overridable: true          # false: nobody may override a hit of this rule
        opt_out: false             # true: a hit means the fan asked to stop receiving messages

The bundled ``rules/default.yaml`` is the base and is *trusted*: its patterns run on Python's
``re``. Organizations and creators add their own sets, which are not: their patterns and
keywords must compile in RE2 (:mod:`huntaze.compliance.patterns`), which runs in linear time.
Anything malformed is refused with a :class:`RuleValidationError` naming the rule and reason;
the YAML itself is read with a depth limit and without anchors or aliases, so that neither a
deeply nested document nor an alias bomb can exhaust the server.
"""

from __future__ import annotations

import hashlib
import json
import re
import re._constants as sre_constants
import re._parser as sre_parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError

from huntaze.compliance.detectors import CONTEXT_DETECTORS, DETECTOR_NAMES
from huntaze.compliance.keywords import WORD_BOUNDARY_END, KeywordError, keywords_regex
from huntaze.compliance.limits import PARAMS_OF_DETECTOR, LimitParams
from huntaze.compliance.models import RuleDirection, Severity
from huntaze.compliance.patterns import PatternError, compile_linear

_ID_PATTERN = r"^[a-z0-9][a-z0-9_.\-]{0,79}$"
MAX_RULES = 500
MAX_YAML_DEPTH = 20
_MAX_MATCHERS = 200


class RuleValidationError(ValueError):
    """A rule set that cannot be used. ``rule_id`` is ``None`` when the whole file is wrong."""

    def __init__(self, rule_id: str | None, reason: str) -> None:
        self.rule_id = rule_id
        self.reason = reason
        where = f"rule {rule_id!r}" if rule_id is not None else "rule set"
        super().__init__(f"{where}: {reason}")


class _RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StrictStr = Field(pattern=_ID_PATTERN)
    category: StrictStr = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")
    severity: Severity
    direction: RuleDirection = RuleDirection.BOTH
    reason: StrictStr = Field(min_length=1, max_length=300)
    keywords: tuple[StrictStr, ...] = Field(default=(), max_length=_MAX_MATCHERS)
    patterns: tuple[StrictStr, ...] = Field(default=(), max_length=_MAX_MATCHERS)
    text_patterns: tuple[StrictStr, ...] = Field(default=(), max_length=_MAX_MATCHERS)
    detector: StrictStr | None = None
    params: dict[StrictStr, Any] | None = None
    overridable: StrictBool = True
    opt_out: StrictBool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule, its keywords known to compile; ``trusted`` rules (the bundled ones)
    run on Python's ``re``, all others on RE2."""

    id: str
    category: str
    severity: Severity
    direction: RuleDirection
    reason: str
    keywords: tuple[str, ...]
    patterns: tuple[str, ...]
    text_patterns: tuple[str, ...]
    detector: str | None
    overridable: bool
    opt_out: bool
    params: LimitParams | None = None
    trusted: bool = False

    @property
    def is_contextual(self) -> bool:
        """Whether the rule looks at the sending context instead of the text."""
        return self.detector in CONTEXT_DETECTORS


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A validated, immutable set of rules; ``key`` identifies its content for caching."""

    name: str
    rules: tuple[Rule, ...]
    key: str


def _reason_from(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or "rule"
        parts.append(f"{location}: {item['msg']}")
    return "; ".join(parts)


def _unbounded(repeat_max: int) -> bool:
    return repeat_max > 1 and repeat_max == sre_constants.MAXREPEAT


def _nested_repeat(items: Any, inside_repeat: bool = False) -> bool:
    """Whether a parsed pattern repeats something that itself repeats without bound, as in
    ``(a+)+`` or ``(\\w*\\s?)*``: such patterns can take exponential time on a crafted text."""
    for op, arg in items:
        if op in _REPEATS:
            _low, high, body = arg
            if inside_repeat and _unbounded(high):
                return True
            children, inside = [body], inside_repeat or _unbounded(high)
        elif op == sre_constants.SUBPATTERN:
            children, inside = [arg[-1]], inside_repeat
        elif op == sre_constants.BRANCH:
            children, inside = list(arg[1]), inside_repeat
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            children, inside = [arg[1]], inside_repeat
        else:
            continue
        if any(_nested_repeat(child, inside) for child in children):
            return True
    return False


_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)


def _compile_pattern(rule_id: str, field: str, pattern: str, *, trusted: bool) -> None:
    if not trusted:
        try:
            linear = compile_linear(pattern)
        except PatternError as exc:
            raise RuleValidationError(rule_id, f"pattern in {field} {pattern!r}: {exc}") from None
        if linear.fullmatch("") is not None or linear.fullmatch(" ") is not None:
            raise RuleValidationError(rule_id, f"pattern in {field} {pattern!r} matches empty text")
        return
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise RuleValidationError(
            rule_id, f"invalid pattern in {field} {pattern!r}: {exc}"
        ) from exc
    if _nested_repeat(sre_parse.parse(pattern)):
        raise RuleValidationError(
            rule_id,
            f"pattern in {field} {pattern!r} repeats a part that itself repeats without limit; "
            "such patterns can take exponential time on some messages — rewrite it without the "
            "nested repetition",
        )
    if compiled.fullmatch("") is not None or compiled.fullmatch(" ") is not None:
        raise RuleValidationError(rule_id, f"pattern in {field} {pattern!r} matches empty text")


def _limit_params(rule_id: str, detector: str | None, raw: Mapping[str, Any]) -> LimitParams:
    model = PARAMS_OF_DETECTOR.get(detector or "")
    if model is None:
        takes = ", ".join(sorted(PARAMS_OF_DETECTOR))
        raise RuleValidationError(rule_id, f"params are only for the detectors {takes}")
    try:
        return model.model_validate(dict(raw))
    except ValidationError as exc:
        raise RuleValidationError(rule_id, "params." + _reason_from(exc)) from None


def _check_keywords(rule_id: str, keywords: tuple[str, ...], *, trusted: bool) -> None:
    try:
        regex = keywords_regex(keywords, end=WORD_BOUNDARY_END)
    except KeywordError as exc:
        raise RuleValidationError(rule_id, str(exc)) from exc
    if not trusted:
        try:
            compile_linear(" " + regex, written=False)
        except PatternError as exc:
            raise RuleValidationError(rule_id, f"keywords: {exc}") from None


def _build_rule(raw: object, index: int, *, trusted: bool) -> Rule:
    if not isinstance(raw, Mapping):
        raise RuleValidationError(f"#{index}", "a rule must be a mapping")
    raw_id = raw.get("id")
    rule_id = raw_id if isinstance(raw_id, str) and raw_id else f"#{index}"
    try:
        spec = _RuleSpec.model_validate(dict(raw))
    except ValidationError as exc:
        raise RuleValidationError(rule_id, _reason_from(exc)) from exc
    matchers = (spec.keywords, spec.patterns, spec.text_patterns, spec.detector)
    if not any(matchers):
        raise RuleValidationError(
            rule_id, "a rule needs keywords, patterns, text_patterns or a detector"
        )
    if spec.detector is not None:
        if spec.detector not in DETECTOR_NAMES:
            known = ", ".join(sorted(DETECTOR_NAMES))
            raise RuleValidationError(
                rule_id, f"unknown detector {spec.detector!r} (known: {known})"
            )
        if spec.detector in CONTEXT_DETECTORS and (
            spec.keywords or spec.patterns or spec.text_patterns
        ):
            raise RuleValidationError(rule_id, "a context detector cannot be mixed with text")
        if spec.detector in CONTEXT_DETECTORS and spec.direction is not RuleDirection.OUTBOUND:
            raise RuleValidationError(rule_id, "context detectors apply to outbound messages only")
    params = _limit_params(rule_id, spec.detector, spec.params) if spec.params is not None else None
    for field, patterns in (("patterns", spec.patterns), ("text_patterns", spec.text_patterns)):
        for pattern in patterns:
            _compile_pattern(rule_id, field, pattern, trusted=trusted)
    if spec.keywords:
        _check_keywords(rule_id, spec.keywords, trusted=trusted)
    return Rule(
        id=spec.id,
        category=spec.category,
        severity=spec.severity,
        direction=spec.direction,
        reason=spec.reason,
        keywords=spec.keywords,
        patterns=spec.patterns,
        text_patterns=spec.text_patterns,
        detector=spec.detector,
        overridable=spec.overridable,
        opt_out=spec.opt_out,
        params=params,
        trusted=trusted,
    )


class _RefusedYamlError(yaml.YAMLError):
    """YAML that parses but that a rule set may not use (too deep, anchors and aliases)."""


class _RuleSetLoader(yaml.SafeLoader):
    """``yaml.safe_load`` that refuses anchors, aliases and nesting past :data:`MAX_YAML_DEPTH`.

    The composer recurses once per level, so depth is counted there, long before Python's
    recursion limit; aliases are refused because a few lines of them expand to gigabytes.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _RefusedYamlError(
                f"anchors and aliases (& and *) are not allowed in rule sets{_line_of(event)}"
            )
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise _RefusedYamlError(
                    f"the YAML is nested more than {MAX_YAML_DEPTH} levels deep{_line_of(event)}"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _line_of(event: yaml.Event) -> str:
    mark = event.start_mark
    return f" (line {mark.line + 1})" if mark is not None else ""


def read_yaml(text: str) -> Any:
    """The data of a rule set's YAML text; :class:`RuleValidationError` if it is not usable."""
    try:
        return yaml.load(text, Loader=_RuleSetLoader)
    except _RefusedYamlError as exc:
        raise RuleValidationError(None, str(exc)) from None
    except yaml.YAMLError as exc:
        raise RuleValidationError(None, f"not valid YAML: {exc}") from None


def _parse(source: str | Path | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(source, Mapping):
        return source
    try:
        text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleValidationError(None, f"cannot read rule file: {exc}") from exc
    data = read_yaml(text)
    if not isinstance(data, Mapping):
        raise RuleValidationError(None, "a rule set must be a mapping with a 'rules' list")
    return data


def load_rule_set(
    source: str | Path | Mapping[str, Any], *, name: str | None = None, trusted: bool = False
) -> RuleSet:
    """Validate a rule set given as YAML text, a YAML file path or a dict.

    Only the bundled rules are ``trusted`` (run on Python's ``re``); any other set must compile
    in RE2.
    """
    data = _parse(source)
    unknown = set(data) - {"name", "rules", "version"}
    if unknown:
        raise RuleValidationError(
            None, f"unknown top-level keys: {', '.join(sorted(map(str, unknown)))}"
        )
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleValidationError(None, "a rule set needs a non-empty 'rules' list")
    if len(raw_rules) > MAX_RULES:
        raise RuleValidationError(
            None, f"{len(raw_rules)} rules; a rule set holds at most {MAX_RULES}"
        )
    rules = tuple(_build_rule(raw, index, trusted=trusted) for index, raw in enumerate(raw_rules))
    _refuse_duplicates(rules)
    set_name = name or str(data.get("name") or "custom")
    canonical = json.dumps(
        {"name": set_name, "rules": raw_rules, "trusted": trusted}, sort_keys=True, default=str
    )
    return RuleSet(set_name, rules, hashlib.sha256(canonical.encode()).hexdigest())


def _refuse_duplicates(rules: Iterable[Rule]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleValidationError(rule.id, "duplicate rule id")
        seen.add(rule.id)


def check_compatible(rule_sets: Iterable[RuleSet]) -> None:
    """Refuse rule sets that, used together, define the same rule id twice."""
    _refuse_duplicates(rule for rule_set in rule_sets for rule in rule_set.rules)


@cache
def default_rule_set() -> RuleSet:
    """The bundled rule set (``rules/default.yaml``), loaded once."""
    text = resources.files("huntaze.compliance").joinpath("rules/default.yaml").read_text("utf-8")
    return load_rule_set(text, name="default", trusted=True)
