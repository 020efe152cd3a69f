"""The persona keeps what reply drafting needs, and drafting reads it from the creator."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import api_headers, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.ai.drafting.persona import persona_from_creator
from huntaze.creators.schemas import CreatorOut


def test_drafting_fields_are_saved_and_read_into_the_drafting_persona(
    client: TestClient, session: Session
) -> None:
    headers = api_headers(client, session, make_member(session, make_org(session), Role.OWNER))
    body = {
        "display_name": "Mia",
        "tone": "sweet and warm",
        "price_min_cents": 1500,
        "custom_min_cents": 5000,
        "never_discount": True,
        "pet_names": ["babe", "love"],
        "avoid_topics": ["my ex"],
        "make_good": "a bonus photo",
    }
    created = client.post("/api/v1/creators", json=body, headers=headers)
    assert created.status_code == 201, created.text
    creator_id = created.json()["id"]

    changed = client.patch(
        f"/api/v1/creators/{creator_id}", json={"never_discount": False}, headers=headers
    )
    saved = client.get(f"/api/v1/creators/{creator_id}", headers=headers).json()

    assert changed.status_code == 200
    assert (saved["custom_min_cents"], saved["never_discount"]) == (5000, False)
    assert (saved["pet_names"], saved["avoid_topics"]) == (["babe", "love"], ["my ex"])
    persona = persona_from_creator(CreatorOut.model_validate(saved))
    assert (persona.price_floor_cents, persona.custom_min_cents) == (1500, 5000)
    assert (persona.voice, persona.make_good) == ("sweet", "a bonus photo")
    assert persona.pet_names == ["babe", "love"] and persona.avoid_topics == ["my ex"]


def test_a_bad_custom_minimum_is_refused_by_name(client: TestClient, session: Session) -> None:
    headers = api_headers(client, session, make_member(session, make_org(session), Role.OWNER))
    response = client.post(
        "/api/v1/creators",
        json={"display_name": "Mia", "custom_min_cents": -5, "pet_names": [""]},
        headers=headers,
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert "custom_min_cents" in fields
