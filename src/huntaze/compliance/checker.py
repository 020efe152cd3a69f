"""The bare rule checker: bundled rules plus given rule sets, no database (DESIGN.md §7).

``rule_checker.check(text, direction=..., context=..., extra_rules=...)`` returns a
:class:`Verdict`. The bundled rule set is always applied; organization and creator rule sets
(loaded and validated with :meth:`RuleChecker.load_rules`) are added per call. Compiled rules
are cached per combination of rule sets and direction, and validated rule texts per text, so
repeated checks cost only the matching itself. The checker is pure: it reads no database and
no clock.

Other domains never call it: they call :mod:`huntaze.compliance.service`, which knows which of
the organization's and creator's rules apply (an architecture test holds them to that). The
command line and the bench use it directly, on rule files.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from huntaze.compliance.engine import CompiledRules
from huntaze.compliance.models import CheckContext, Direction, Verdict
from huntaze.compliance.rules import RuleSet, check_compatible, default_rule_set, load_rule_set
from huntaze.compliance.semantic import with_semantic_tier

_CACHE_SIZE = 128


class RuleChecker:
    """Checks message texts against the bundled rules plus any per-call additions."""

    def __init__(self, base: RuleSet | None = None) -> None:
        self._base = base
        self._compiled: OrderedDict[tuple[tuple[str, ...], Direction], CompiledRules] = (
            OrderedDict()
        )
        self._loaded: OrderedDict[tuple[str, str | None], RuleSet] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[tuple[str, ...], Direction], threading.Lock] = {}

    @property
    def base_rules(self) -> RuleSet:
        """The rule set applied to every check (the bundled one unless given)."""
        if self._base is None:
            self._base = default_rule_set()
        return self._base

    def load_rules(
        self, source: str | Path | Mapping[str, Any], *, name: str | None = None
    ) -> RuleSet:
        """Validate an additional rule set (YAML text, file or dict) for use in ``extra_rules``."""
        if isinstance(source, str):
            return self._load_text(source, name)
        rule_set = load_rule_set(source, name=name)
        check_compatible((self.base_rules, rule_set))
        return rule_set

    def _load_text(self, text: str, name: str | None) -> RuleSet:
        key = (text, name)
        with self._lock:
            cached = self._loaded.get(key)
            if cached is not None:
                self._loaded.move_to_end(key)
                return cached
        rule_set = load_rule_set(text, name=name)
        check_compatible((self.base_rules, rule_set))
        with self._lock:
            self._loaded[key] = rule_set
            while len(self._loaded) > _CACHE_SIZE:
                self._loaded.popitem(last=False)
        return rule_set

    def compiled(
        self, direction: Direction | str, extra_rules: Sequence[RuleSet] = ()
    ) -> CompiledRules:
        """The compiled rules for a direction and extra rule sets, built once and cached."""
        rule_sets = (self.base_rules, *extra_rules)
        way = Direction(direction)
        key = (tuple(rule_set.key for rule_set in rule_sets), way)
        with self._lock:
            cached = self._compiled.get(key)
            if cached is not None:
                self._compiled.move_to_end(key)
                return cached
        check_compatible(rule_sets)
        # One thread compiles a combination; others asking for it meanwhile wait for it
        # (a worker's warm-up and its first send must not each spend seconds compiling).
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                cached = self._compiled.get(key)
            if cached is not None:
                return cached
            built = CompiledRules([rule for s in rule_sets for rule in s.rules], way)
        with self._lock:
            self._building.pop(key, None)
            self._compiled[key] = built
            while len(self._compiled) > _CACHE_SIZE:
                self._compiled.popitem(last=False)
        return built

    def check(
        self,
        text: str,
        *,
        direction: Direction | str = Direction.OUTBOUND,
        context: CheckContext | None = None,
        extra_rules: Sequence[RuleSet] = (),
        semantic: bool = False,
        history: Sequence[str] = (),
    ) -> Verdict:
        """Check one message and return its verdict with every rule hit; with ``semantic``, the
        semantic tier reads it too where the rules did not block it (``history``: the writer's
        earlier messages, oldest first, whose risks carry forward)."""
        verdict = self.compiled(direction, extra_rules).check(text, context)
        return with_semantic_tier(verdict, history=history) if semantic else verdict


rule_checker = RuleChecker()
