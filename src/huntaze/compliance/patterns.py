"""Regular expressions of customer rules, run by RE2 so that no pattern can stall the server.

See DESIGN.md §7 ("Customer patterns run where they cannot stall the server"). Python's ``re``
backtracks: a pattern such as ``(a|aa)+b`` or ``\\d*\\d*\\d*x`` takes exponential or polynomial
time on a crafted message of a few dozen characters, and one such check holds a worker thread
for as long as it runs. RE2 matches in time linear in the text whatever the pattern, so every
pattern and keyword of an organization's or a creator's rules is compiled here. The bundled rules
stay on ``re``: they are ours, reviewed, and use lookarounds RE2 does not have.

RE2's syntax is Perl's without lookarounds and backreferences. What it cannot compile, and what
would be unreasonably large (long patterns, repetition counts over a thousand, programs too big
for the memory budget), is refused on save with :class:`PatternError` and a reason a person can
act on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

import re2  # type: ignore[import-untyped]

MAX_PATTERN_CHARS = 1_000
MAX_REPEAT_COUNT = 1_000
# RE2's own unit: instructions of the compiled program. The largest bundled keyword list,
# compiled the same way, takes about 200,000 (optional words multiply the spellings); a customer
# rule may be as large as that, not much more (it compiles in under half a second, once).
MAX_PROGRAM_SIZE = 250_000
_MAX_MEMORY_BYTES = 8 << 20
_BUNDLED_MAX_MEMORY_BYTES = 64 << 20
_REPEAT_COUNT = re.compile(r"(?<!\\)\{(\d+)(?:,(\d*))?\}")


class Match(Protocol):
    """What the engine reads of a match, whichever regex engine found it."""

    def start(self) -> int: ...

    def end(self) -> int: ...


class Regex(Protocol):
    """A compiled pattern: Python's ``re.Pattern`` and RE2's compiled pattern both fit."""

    def search(self, text: str) -> Match | None: ...

    def finditer(self, text: str) -> Iterator[Match]: ...

    def fullmatch(self, text: str) -> Match | None: ...


class PatternError(ValueError):
    """A customer pattern that RE2 cannot run, or that is too large; the message says why."""


def _options() -> object:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _MAX_MEMORY_BYTES
    return options


def _refuse_large_counts(pattern: str) -> None:
    for match in _REPEAT_COUNT.finditer(pattern):
        counts = [int(number) for number in match.groups() if number]
        if any(count > MAX_REPEAT_COUNT for count in counts):
            raise PatternError(
                f"the repetition {match.group()} is over the limit of {MAX_REPEAT_COUNT}"
            )


def compile_bundled(pattern: str) -> Regex:
    """A regex generated from the bundled rules' keywords, compiled by RE2: no size limits (the
    rules ship with Huntaze), and milliseconds where Python's parser takes seconds for
    alternations this large (every fresh worker paid that before its first send)."""
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _BUNDLED_MAX_MEMORY_BYTES
    try:
        regex: Regex = re2.compile(pattern, options)
    except re2.error as exc:
        raise PatternError(f"the bundled keywords do not compile for RE2: {exc}") from None
    return regex


def compile_linear(pattern: str, *, written: bool = True) -> Regex:
    """``pattern`` compiled by RE2 (linear time); :class:`PatternError` if it cannot be.

    A ``written`` pattern (typed by a person) is also held to :data:`MAX_PATTERN_CHARS`; one
    generated from keywords is held to the program size alone."""
    if written and len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(
            f"it is {len(pattern)} characters long; the limit is {MAX_PATTERN_CHARS}"
        )
    _refuse_large_counts(pattern)
    try:
        compiled = re2.compile(pattern, _options())
    except re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        hint = (
            " (the linear-time engine has no lookarounds and no backreferences)"
            if "perl operator" in str(detail) or "escape" in str(detail)
            else ""
        )
        raise PatternError(
            f"invalid pattern for the linear-time engine (RE2): {detail}{hint}"
        ) from None
    if compiled.programsize > MAX_PROGRAM_SIZE:
        raise PatternError(
            f"it compiles to {compiled.programsize} instructions; the limit is {MAX_PROGRAM_SIZE}"
        )
    regex: Regex = compiled
    return regex


def is_linear(regex: Regex) -> bool:
    """Whether ``regex`` runs on RE2 (used by tests and diagnostics)."""
    return isinstance(regex, re2._Regexp)
