"""Rule sets are validated on load: malformed files and patterns are refused with id and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from huntaze.compliance.checker import RuleChecker, rule_checker
from huntaze.compliance.models import Outcome
from huntaze.compliance.rules import RuleValidationError, default_rule_set, load_rule_set


def _rule(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "org.test",
        "category": "custom",
        "severity": "block",
        "reason": "Not allowed here.",
        "keywords": ["onlyfriends"],
    }
    base.update(fields)
    return {"rules": [base]}


def test_default_rule_set_loads() -> None:
    rules = default_rule_set()
    assert {rule.severity.value for rule in rules.rules} == {"block", "review"}
    assert len({rule.id for rule in rules.rules}) == len(rules.rules)


@pytest.mark.parametrize(
    ("fields", "reason_part"),
    [
        ({"severity": "warn"}, "severity"),
        ({"direction": "sideways"}, "direction"),
        ({"reason": ""}, "reason"),
        ({"keywords": "onlyfriends"}, "keywords"),
        ({"colour": "red"}, "colour"),
        ({"keywords": [], "patterns": []}, "needs keywords"),
        ({"patterns": ["(unclosed"]}, "invalid pattern"),
        ({"text_patterns": ["[z-a]"]}, "invalid pattern"),
        ({"patterns": ["a*"]}, "matches empty text"),
        ({"keywords": ["(a|b"]}, "parentheses"),
        ({"keywords": ["!!! ..."]}, "no letters"),
        ({"detector": "mind_reader", "keywords": []}, "unknown detector"),
        ({"detector": "daily_cap", "keywords": []}, "outbound"),
        ({"detector": "quiet_hours", "direction": "outbound"}, "cannot be mixed"),
    ],
)
def test_malformed_rule_is_refused_with_id_and_reason(
    fields: dict[str, object], reason_part: str
) -> None:
    with pytest.raises(RuleValidationError) as caught:
        load_rule_set(_rule(**fields))
    assert caught.value.rule_id == "org.test"
    assert reason_part in caught.value.reason
    assert "org.test" in str(caught.value)


def test_rule_without_valid_id_is_named_by_position() -> None:
    with pytest.raises(RuleValidationError) as caught:
        load_rule_set(_rule(id="Bad Id!"))
    assert caught.value.rule_id == "Bad Id!"
    with pytest.raises(RuleValidationError) as caught:
        load_rule_set({"rules": ["not a mapping"]})
    assert caught.value.rule_id == "#0"


@pytest.mark.parametrize(
    "source",
    ["rules: [unclosed", "just a string", "rules: []", "name: x", "rules: [{}]\nextra: 1"],
)
def test_malformed_file_is_refused(source: str) -> None:
    with pytest.raises(RuleValidationError):
        load_rule_set(source)


def test_duplicate_ids_are_refused() -> None:
    data = _rule()
    data["rules"] = [*data["rules"], *data["rules"]]  # type: ignore[misc]
    with pytest.raises(RuleValidationError) as caught:
        load_rule_set(data)
    assert caught.value.rule_id == "org.test"
    with pytest.raises(RuleValidationError) as caught:
        rule_checker.load_rules(_rule(id="payment.apps"))
    assert caught.value.reason == "duplicate rule id"


def test_extra_rules_from_yaml_text_and_file(tmp_path: Path) -> None:
    yaml_text = """
name: agency
rules:
  - id: agency.competitor
    category: competitor
    severity: review
    direction: outbound
    reason: Do not name other platforms.
    keywords: ["fansly", "(mym|my m) fans"]
  - id: agency.price
    category: pricing
    severity: block
    reason: No prices under five dollars.
    text_patterns: ['\\$[1-4](?:[^\\d.]|$)']
"""
    extra = rule_checker.load_rules(yaml_text)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    assert rule_checker.load_rules(path).key == extra.key
    verdict = rule_checker.check("I'm also on F a n s l y", extra_rules=[extra])
    assert verdict.verdict is Outcome.REVIEW
    assert (
        rule_checker.check("I'm also on fansly", direction="inbound", extra_rules=[extra]).hits
        == ()
    )
    assert rule_checker.check("only $3 today", extra_rules=[extra]).verdict is Outcome.BLOCK
    assert rule_checker.check("only $3 today").verdict is Outcome.ALLOW


def test_service_with_its_own_base_rules() -> None:
    service = RuleChecker(load_rule_set(_rule()))
    assert service.check("join onlyfriends").verdict is Outcome.BLOCK
    assert service.check("my paypal").verdict is Outcome.ALLOW


@pytest.mark.parametrize("pattern", [r"(a+)+b", r"(\w*\s?)*x", r"(?:pay|send)(\s*\w+)*"])
def test_bundled_patterns_with_nested_repetition_are_refused(pattern: str) -> None:
    """The bundled (trusted) rules run on Python's backtracking ``re``: no nested repetition."""
    text = (
        "rules:\n  - id: acme.slow\n    category: x\n    severity: review\n"
        f"    direction: outbound\n    reason: r\n    patterns: ['{pattern}']\n"
    )
    with pytest.raises(RuleValidationError) as caught:
        load_rule_set(text, trusted=True)
    assert caught.value.rule_id == "acme.slow"
    assert "exponential" in caught.value.reason


def test_bounded_repetition_is_accepted() -> None:
    text = (
        "rules:\n  - id: acme.phone\n    category: x\n    severity: review\n"
        "    direction: outbound\n    reason: r\n    patterns: ['(\\\\d{3}[ -]?){3}']\n"
    )
    assert load_rule_set(text).rules[0].id == "acme.phone"
