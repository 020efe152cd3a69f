"""The compliance service: one entry point that every message goes through (DESIGN.md §7, §2.4).

``compliance.check(text, direction=..., context=..., extra_rules=...)`` returns a
:class:`Verdict`. The bundled rule set is always applied; organization and creator rule sets
(loaded and validated with :meth:`ComplianceService.load_rules`) are added per call. Compiled
rules are cached per combination of rule sets and direction, so repeated checks cost only the
matching itself. The service is pure: it reads no database and no clock.
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

_CACHE_SIZE = 128


class ComplianceService:
    """Checks message texts against the bundled rules plus any per-call additions."""

    def __init__(self, base: RuleSet | None = None) -> None:
        self._base = base
        self._compiled: OrderedDict[tuple[tuple[str, ...], Direction], CompiledRules] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

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
        rule_set = load_rule_set(source, name=name)
        check_compatible((self.base_rules, rule_set))
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
        built = CompiledRules([rule for s in rule_sets for rule in s.rules], way)
        with self._lock:
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
    ) -> Verdict:
        """Check one message and return its verdict with every rule hit."""
        return self.compiled(direction, extra_rules).check(text, context)


compliance = ComplianceService()
