"""Customer patterns run on RE2, the linear-time engine: none can stall the server.

The three patterns below make Python's backtracking ``re`` take exponential or polynomial time:
on the 100,000-character texts used here it would not finish in any reasonable time, so these
tests completing at all is the proof (no timing is asserted).
"""

from __future__ import annotations

from importlib import resources

import pytest

from huntaze.compliance.checker import rule_checker
from huntaze.compliance.patterns import is_linear
from huntaze.compliance.rules import RuleValidationError, load_rule_set

ADVERSARIAL = [
    ("patterns", r"(a|aa)+b", "a" * 100_000),
    ("patterns", r"(a+){1,100}b", "a" * 100_000),
    ("text_patterns", r"\d*\d*\d*x", "1" * 100_000),
]


def _rules(field: str, pattern: str, rule_id: str = "acme.slow") -> str:
    escaped = pattern.replace("'", "''")
    return (
        f"rules:\n  - id: {rule_id}\n    category: custom\n    severity: review\n"
        f"    reason: r\n    {field}: ['{escaped}']\n"
    )


@pytest.mark.parametrize(("field", "pattern", "attack"), ADVERSARIAL)
def test_backtracking_patterns_are_accepted_and_run_in_linear_time(
    field: str, pattern: str, attack: str
) -> None:
    extra = rule_checker.load_rules(_rules(field, pattern))
    compiled = rule_checker.compiled("outbound", [extra])
    mine = [matcher for matcher in compiled.matchers if matcher.rule.id == "acme.slow"]
    assert mine and all(is_linear(matcher.regex) for matcher in mine)
    missed = rule_checker.check(attack, extra_rules=[extra])
    assert "acme.slow" not in {h.rule for h in missed.hits}
    caught = rule_checker.check(attack[:20] + pattern[-1], extra_rules=[extra])
    assert "acme.slow" in {h.rule for h in caught.hits}


def test_customer_keywords_run_on_re2_with_the_same_word_boundaries() -> None:
    extra = rule_checker.load_rules(
        "rules:\n  - id: acme.words\n    category: c\n    severity: block\n    reason: r\n"
        "    keywords: ['snap', 'only fans', 'fans']\n"
    )
    compiled = rule_checker.compiled("inbound", [extra])
    assert all(is_linear(m.regex) for m in compiled.matchers if m.rule.id == "acme.words")

    def spans(text: str) -> list[str]:
        verdict = rule_checker.check(text, direction="inbound", extra_rules=[extra])
        return [hit.matched or "" for hit in verdict.hits if hit.rule == "acme.words"]

    assert spans("a snapshot of my fanservice") == []
    assert spans("s.n.a.p me, my 0nly f4ns and fans") == ["s.n.a.p", "0nly f4ns", "fans"]


def test_a_copy_of_the_bundled_rules_is_accepted_as_customer_rules() -> None:
    bundled = resources.files("huntaze.compliance").joinpath("rules/default.yaml").read_text()
    copied = load_rule_set(bundled.replace("- id: ", "- id: acme."))
    assert copied.rules and not any(rule.trusted for rule in copied.rules)


def test_bundled_patterns_stay_on_python_re_and_bundled_keywords_compile_with_re2() -> None:
    """The bundled rules' own patterns may use lookarounds (Python's ``re``); their keywords
    become large generated alternations, which RE2 compiles in milliseconds where Python's
    parser took seconds in every fresh worker."""
    compiled = rule_checker.compiled("outbound")
    keyword = [m for m in compiled.matchers if m.rule.trusted and m.skip == 1]
    written = [m for m in compiled.matchers if m.rule.trusted and m.skip == 0]
    assert keyword and all(is_linear(m.regex) for m in keyword)
    assert written and not any(is_linear(m.regex) for m in written)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("a{4294967296}", "over the limit of 1000"),
        ("(a{999}){999}", "invalid pattern"),
        ("venmo(?= )", "no lookarounds"),
        ("(?<!x)venmo", "no lookarounds"),
        (r"(a)\1", "no backreferences"),
        ("[z-a]", "invalid pattern"),
        ("x" * 1_001, "the limit is 1000"),
        (r"\pL{1,100}\pL{1,100}\pL{1,30}", "instructions; the limit is"),
        (r"(?:\pL{1,30}){1,30}", "pattern too large"),
    ],
)
def test_patterns_re2_cannot_run_or_too_large_are_refused_with_the_rule_id(
    pattern: str, reason: str
) -> None:
    with pytest.raises(RuleValidationError) as caught:
        load_rule_set(_rules("patterns", pattern, "acme.bad"))
    assert caught.value.rule_id == "acme.bad"
    assert reason in caught.value.reason


def test_a_match_at_every_position_reports_a_bounded_number_of_spans() -> None:
    extra = rule_checker.load_rules(_rules("patterns", "a"))
    verdict = rule_checker.check(" a" * 50_000, extra_rules=[extra])
    assert 0 < len(verdict.hits) <= 100
