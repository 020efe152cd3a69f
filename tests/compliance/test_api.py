"""The compliance API and page: verdicts with spans, rule additions per organization and creator."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import api_headers, log_in, make_creator, make_member, make_org

from huntaze.accounts.models import AuditLog
from huntaze.accounts.permissions import Role

ACME_RULES = """
rules:
  - id: acme.no_discounts
    category: sales_policy
    severity: review
    direction: outbound
    reason: Deep discounts need a manager.
    keywords: ["80% off"]
"""


def test_check_returns_verdict_with_reason_and_span(client: TestClient, session: Session) -> None:
    viewer = make_member(session, make_org(session), Role.VIEWER)
    text = "hey babe add me on t.e.l.e.g.r.a.m"
    response = client.post(
        "/api/v1/compliance/check",
        json={"text": text},
        headers=api_headers(client, session, viewer),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verdict"] == "block"
    hit = next(h for h in body["hits"] if h["category"] == "off_platform_contact")
    start, end = hit["span"]
    assert text[start:end] == hit["matched"]
    assert "t.e.l.e" in hit["matched"]
    assert hit["reason"]


def test_inbound_opt_out_is_flagged(client: TestClient, session: Session) -> None:
    chatter = make_member(session, make_org(session), Role.CHATTER)
    response = client.post(
        "/api/v1/compliance/check",
        json={"text": "stop messaging me", "direction": "inbound"},
        headers=api_headers(client, session, chatter),
    )
    assert response.json()["opt_out"] is True


def test_organization_rules_apply_after_saving(client: TestClient, session: Session) -> None:
    admin = make_member(session, make_org(session), Role.ADMIN)
    headers = api_headers(client, session, admin)
    text = {"text": "this weekend only: 80% off my bundle"}
    assert (
        client.post("/api/v1/compliance/check", json=text, headers=headers).json()["verdict"]
        == "allow"
    )
    saved = client.put("/api/v1/compliance/rules", json={"yaml_text": ACME_RULES}, headers=headers)
    assert saved.status_code == 200, saved.text
    verdict = client.post("/api/v1/compliance/check", json=text, headers=headers).json()
    assert verdict["verdict"] == "review"
    assert verdict["hits"][0]["rule"] == "acme.no_discounts"
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "compliance.rules_save"))
    assert entry.one().actor_user_id == admin.user.id


def test_creator_rules_apply_to_that_creator_only(client: TestClient, session: Session) -> None:
    org = make_org(session)
    admin = make_member(session, org, Role.ADMIN)
    luna, mia = make_creator(session, admin, name="Luna"), make_creator(session, admin, name="Mia")
    headers = api_headers(client, session, admin)
    put = client.put(
        f"/api/v1/creators/{luna.id}/compliance-rules",
        json={"yaml_text": ACME_RULES},
        headers=headers,
    )
    assert put.status_code == 200
    for creator, expected in ((luna, "review"), (mia, "allow")):
        verdict = client.post(
            "/api/v1/compliance/check",
            json={"text": "80% off tonight", "creator_id": creator.id},
            headers=headers,
        ).json()
        assert verdict["verdict"] == expected


def test_invalid_rules_are_refused_with_rule_id(client: TestClient, session: Session) -> None:
    admin = make_member(session, make_org(session), Role.ADMIN)
    headers = api_headers(client, session, admin)
    bad = (
        "rules:\n  - id: acme.broken\n    category: x\n    severity: block\n"
        "    direction: outbound\n    reason: r\n    patterns: ['(unclosed']\n"
    )
    response = client.put("/api/v1/compliance/rules", json={"yaml_text": bad}, headers=headers)
    assert response.status_code == 422
    assert "acme.broken" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "yaml_text"
    malformed = client.put(
        "/api/v1/compliance/rules", json={"yaml_text": "rules: [: :"}, headers=headers
    )
    assert malformed.status_code == 422
    stored = client.get("/api/v1/compliance/rules", headers=headers).json()
    assert "acme.broken" not in stored["yaml_text"] and stored["updated_by"] is None


def test_manager_cannot_change_rules(client: TestClient, session: Session) -> None:
    manager = make_member(session, make_org(session), Role.MANAGER)
    response = client.put(
        "/api/v1/compliance/rules",
        json={"yaml_text": ACME_RULES},
        headers=api_headers(client, session, manager),
    )
    assert response.status_code == 403


def test_page_try_marks_the_matched_text(client: TestClient, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    csrf = log_in(client, session, owner)
    page = client.get("/compliance")
    assert page.status_code == 200 and "payment.apps" in page.text
    fragment = client.post(
        "/compliance/try",
        data={"csrf_token": csrf, "text": "pay me on <b>cash app</b>"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert 'data-verdict="block"' in fragment.text
    assert '<mark class="block">cash app</mark>' in fragment.text
    assert "<b>" not in fragment.text and "&lt;b&gt;" in fragment.text


def test_page_shows_rule_errors_and_keeps_the_text(client: TestClient, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    csrf = log_in(client, session, owner)
    bad = "rules:\n  - id: acme.x\n    severity: maybe\n"
    response = client.post("/compliance/rules", data={"csrf_token": csrf, "yaml_text": bad})
    assert response.status_code == 422
    assert 'data-testid="rules-error"' in response.text and "acme.x" in response.text
