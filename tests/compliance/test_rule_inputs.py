"""Hostile rule sets get a clear 4xx naming the problem, on the API and the page, never a 500;
nothing is stored, so later saves keep working."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import api_headers, log_in, make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.compliance.rulebook import EXAMPLE_RULES
from huntaze.compliance.rules import RuleValidationError, load_rule_set

NESTED = "rules: " + "[" * 2_000 + "]" * 2_000 + "\n"
NESTED_BLOCK = "rules:\n" + "- " * 2_000 + "x\n"
ALIAS_BOMB = (
    "a: &a ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x']\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
    + "rules: [*j]\n"
)
GOOD = """
rules:
  - id: acme.cap
    category: sending_limits
    severity: block
    direction: outbound
    reason: Three a day at most.
    detector: daily_cap
    params: {max_per_day: 3}
"""


def _cap_rules(value: str) -> str:
    return GOOD.replace("max_per_day: 3", f"max_per_day: {value}")


HOSTILE = [
    pytest.param(NESTED, "nested more than 20 levels", id="flow-nested-2000"),
    pytest.param(NESTED_BLOCK, "nested more than 20 levels", id="block-nested-2000"),
    pytest.param(ALIAS_BOMB, "aliases", id="alias-bomb"),
    pytest.param(
        "rules:\n  - id: acme.huge\n    category: c\n    severity: block\n    reason: r\n"
        "    patterns: ['a{4294967296}']\n",
        "acme.huge",
        id="repeat-2^32",
    ),
    *[
        pytest.param(_cap_rules(value), "acme.cap", id=f"cap-{value}")
        for value in ("NaN", "sNaN", "Infinity", "1e20", ".nan", ".inf", "-.inf", "1.5", "0")
    ],
    pytest.param(_cap_rules("100000000000000000000"), "acme.cap", id="cap-10^20"),
    pytest.param(
        GOOD.replace(
            "daily_cap\n    params: {max_per_day: 3}",
            "quiet_hours\n    params: {start: 22:00, end: '08:00'}",
        ),
        'quotes, like "22:00"',
        id="quiet-hours-unquoted",
    ),
    pytest.param(
        GOOD.replace(
            "daily_cap\n    params: {max_per_day: 3}", "opted_out\n    params: {max_per_day: 3}"
        ),
        "params are only for",
        id="params-on-opt-out",
    ),
]


@pytest.mark.parametrize(("yaml_text", "named"), HOSTILE)
def test_hostile_rule_sets_are_refused_naming_the_problem(yaml_text: str, named: str) -> None:
    with pytest.raises(RuleValidationError) as caught:
        load_rule_set(yaml_text)
    assert named in str(caught.value)


@pytest.fixture
def owner_headers(client: TestClient, session: Session) -> tuple[dict[str, str], str]:
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner)
    return api_headers(client, session, owner), creator.id


@pytest.mark.parametrize(("yaml_text", "named"), HOSTILE)
def test_api_refuses_hostile_rules_with_a_4xx_and_keeps_working(
    client: TestClient,
    owner_headers: tuple[dict[str, str], str],
    yaml_text: str,
    named: str,
) -> None:
    headers, creator_id = owner_headers
    scopes = (
        ("/api/v1/compliance/rules", GOOD),
        (f"/api/v1/creators/{creator_id}/compliance-rules", GOOD.replace("acme.", "luna.")),
    )
    for path, good in scopes:
        response = client.put(path, json={"yaml_text": yaml_text}, headers=headers)
        assert response.status_code == 422, response.text
        assert named in response.json()["detail"]
        assert response.json()["errors"][0]["field"] == "yaml_text"
        saved = client.put(path, json={"yaml_text": good}, headers=headers)
        assert saved.status_code == 200, saved.text


def test_page_form_refuses_deep_yaml_and_huge_repeats(client: TestClient, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    csrf = log_in(client, session, owner)
    for yaml_text, named in ((NESTED, "nested more than 20"), (HOSTILE[3].values[0], "acme.huge")):
        response = client.post(
            "/compliance/rules", data={"csrf_token": csrf, "yaml_text": yaml_text}
        )
        assert response.status_code == 422
        assert 'data-testid="rules-error"' in response.text and named in response.text


def test_valid_limits_are_stored_and_applied(
    client: TestClient, owner_headers: tuple[dict[str, str], str]
) -> None:
    headers, _creator_id = owner_headers
    assert (
        client.put(
            "/api/v1/compliance/rules", json={"yaml_text": GOOD}, headers=headers
        ).status_code
        == 200
    )
    rule = load_rule_set(GOOD).rules[0]
    assert rule.params is not None and rule.params.model_dump() == {"max_per_day": 3}


def test_the_example_shown_on_the_page_is_valid_once_uncommented() -> None:
    lines = [line[2:] for line in EXAMPLE_RULES.splitlines() if line.startswith("#   ")]
    example = load_rule_set("rules:\n" + "\n".join(lines))
    assert [rule.id for rule in example.rules] == ["acme.no_discounts", "acme.daily_cap"]
