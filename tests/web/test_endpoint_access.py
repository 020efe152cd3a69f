"""Every API endpoint: another organization gets 404, a viewer cannot change anything,
and an anonymous caller gets 401. A meta-test keeps this table complete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.content.media_files import picture
from tests.factories import Member, api_headers, make_creator, make_member, make_org

from huntaze.accounts.api_keys import api_key_service
from huntaze.accounts.permissions import Role
from huntaze.accounts.service import accounts
from huntaze.ai.org_settings import AISettingsIn, ProviderIn
from huntaze.ai.service import ai
from huntaze.campaigns.schemas import CampaignIn, SegmentIn
from huntaze.campaigns.service import campaigns
from huntaze.config import get_settings
from huntaze.content.service import VaultLimits, vault
from huntaze.creators.schemas import PlatformAccountCreate
from huntaze.creators.service import creators
from huntaze.fans.service import AccountRef, fans
from huntaze.outbox.schemas import OutboundCreate
from huntaze.outbox.service import outbox
from huntaze.outbox.states import Kind
from huntaze.platforms.base import PlatformFan
from huntaze.storage.blobs import blob_store
from huntaze.team.schemas import ShiftCreate
from huntaze.team.service import team


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    body: dict[str, Any] | None = None
    read_only: bool = False
    # Which world id fills a path parameter, when not the one of the same name.
    id_from: tuple[tuple[str, str], ...] = ()
    # False when the path names something global (an AI task), not an organization's object.
    tenant_path: bool = True
    # A raw body (an upload) sent with its content type instead of ``body`` as JSON.
    content: bytes | None = None
    content_type: str = ""

    @property
    def writes(self) -> bool:
        return self.method in {"POST", "PATCH", "PUT", "DELETE"} and not self.read_only


ENDPOINTS = [
    Endpoint("GET", "/api/v1/me"),
    Endpoint("PATCH", "/api/v1/organization", {"name": "Renamed"}),
    Endpoint("GET", "/api/v1/members"),
    Endpoint("PATCH", "/api/v1/members/{membership_id}", {"role": "viewer"}),
    Endpoint("DELETE", "/api/v1/members/{membership_id}"),
    Endpoint("GET", "/api/v1/invitations"),
    Endpoint("POST", "/api/v1/invitations", {"email": "x@example.com", "role": "viewer"}),
    Endpoint("DELETE", "/api/v1/invitations/{invitation_id}"),
    Endpoint("GET", "/api/v1/api-keys"),
    Endpoint("POST", "/api/v1/api-keys", {"name": "k", "role": "viewer"}),
    Endpoint("DELETE", "/api/v1/api-keys/{key_id}"),
    Endpoint("GET", "/api/v1/audit-log"),
    Endpoint("GET", "/api/v1/creators"),
    Endpoint("POST", "/api/v1/creators", {"display_name": "New"}),
    Endpoint("GET", "/api/v1/creators/{creator_id}"),
    Endpoint("PATCH", "/api/v1/creators/{creator_id}", {"tone": "calm"}),
    Endpoint("DELETE", "/api/v1/creators/{creator_id}"),
    Endpoint("GET", "/api/v1/creators/{creator_id}/platform-accounts"),
    Endpoint(
        "POST",
        "/api/v1/creators/{creator_id}/platform-accounts",
        {"platform": "simulator", "handle": "fresh"},
    ),
    Endpoint("PATCH", "/api/v1/platform-accounts/{account_id}", {"skin": "api2"}),
    Endpoint("DELETE", "/api/v1/platform-accounts/{account_id}"),
    Endpoint("POST", "/api/v1/compliance/check", {"text": "hello"}, read_only=True),
    Endpoint("GET", "/api/v1/compliance/rules"),
    Endpoint("PUT", "/api/v1/compliance/rules", {"yaml_text": "rules: []"}),
    Endpoint("GET", "/api/v1/creators/{creator_id}/compliance-rules"),
    Endpoint("PUT", "/api/v1/creators/{creator_id}/compliance-rules", {"yaml_text": "rules: []"}),
    Endpoint(
        "POST",
        "/api/v1/platform-accounts/{account_id}/outbound-messages",
        {"kind": "message", "platform_fan_id": "7", "text": "Hi there!"},
    ),
    Endpoint("POST", "/api/v1/platform-accounts/{account_id}/check"),
    Endpoint("POST", "/api/v1/platform-accounts/{account_id}/retry-now"),
    Endpoint("GET", "/api/v1/outbound-messages"),
    Endpoint("GET", "/api/v1/outbound-messages/{message_id}"),
    Endpoint(
        "POST",
        "/api/v1/outbound-messages/{message_id}/approve",
        id_from=(("message_id", "draft_message_id"),),
    ),
    Endpoint(
        "POST",
        "/api/v1/outbound-messages/{message_id}/send",
        id_from=(("message_id", "approved_message_id"),),
    ),
    Endpoint("POST", "/api/v1/outbound-messages/{message_id}/cancel"),
    Endpoint("GET", "/api/v1/ai/tasks"),
    Endpoint(
        "POST",
        "/api/v1/ai/tasks/{task_name}",
        {"topic": "beach day", "count": 2},
        tenant_path=False,
    ),
    Endpoint("GET", "/api/v1/ai/usage"),
    Endpoint("GET", "/api/v1/ai/settings"),
    Endpoint("PUT", "/api/v1/ai/settings", {"providers": [], "default_provider": "local"}),
    Endpoint("POST", "/api/v1/ai/providers/{name}/test", id_from=(("name", "provider_name"),)),
    Endpoint(
        "POST",
        "/api/v1/creators/{creator_id}/ai-examples",
        {"items": [{"kind": "reply", "text": "want the full beach set?", "outcome": "purchase"}]},
    ),
    Endpoint(
        "POST",
        "/api/v1/creators/{creator_id}/ai-examples/search",
        {"text": "more beach photos?"},
        read_only=True,
    ),
    Endpoint("GET", "/api/v1/fans"),
    Endpoint("GET", "/api/v1/fans/{fan_id}"),
    Endpoint("GET", "/api/v1/fans/{fan_id}/messages"),
    Endpoint("POST", "/api/v1/platform-accounts/{account_id}/sync"),
    Endpoint(
        "POST",
        "/api/v1/creators/{creator_id}/vault?filename=new.png",
        content=picture(seed=9),
        content_type="image/png",
    ),
    Endpoint("GET", "/api/v1/creators/{creator_id}/vault"),
    Endpoint("GET", "/api/v1/vault/{item_id}"),
    Endpoint("GET", "/api/v1/vault/{item_id}/content"),
    Endpoint("GET", "/api/v1/vault/{item_id}/thumbnail"),
    Endpoint("GET", "/api/v1/analytics/overview"),
    Endpoint("GET", "/api/v1/analytics/creators/{creator_id}"),
    Endpoint("GET", "/api/v1/analytics/creators/{creator_id}/days.csv"),
    Endpoint("GET", "/api/v1/analytics/creators/{creator_id}/cohorts"),
    Endpoint("GET", "/api/v1/analytics/creators/{creator_id}/report.pdf"),
    Endpoint("GET", "/api/v1/analytics/creators/{creator_id}/reports"),
    Endpoint("GET", "/api/v1/analytics/creators/{creator_id}/reports/{month}.pdf"),
    Endpoint("GET", "/api/v1/analytics/settings"),
    Endpoint("PUT", "/api/v1/analytics/settings", {"timezone": "Europe/London", "use_utc": False}),
    Endpoint("POST", "/api/v1/analytics/refresh"),
    Endpoint("PATCH", "/api/v1/vault/{item_id}", {"folder": "Beach", "price_cents": 900}),
    Endpoint("DELETE", "/api/v1/vault/{item_id}"),
    Endpoint("GET", "/api/v1/vault/{item_id}/offers"),
    Endpoint(
        "PUT",
        "/api/v1/creators/{creator_id}/vault/ladders",
        {"folder": "Beach", "steps_cents": [1500, 1000]},
    ),
    Endpoint("GET", "/api/v1/creators/{creator_id}/best-hours"),
    Endpoint("GET", "/api/v1/team/settings"),
    Endpoint("PUT", "/api/v1/team/settings", {"time_zone": "Europe/Paris"}),
    Endpoint("GET", "/api/v1/team/shifts"),
    Endpoint(
        "POST",
        "/api/v1/team/shifts",
        {"name": "Night", "weekdays": [5], "start_time": "22:00", "end_time": "04:00"},
    ),
    Endpoint("DELETE", "/api/v1/team/shifts/{shift_id}"),
    Endpoint("PUT", "/api/v1/team/chatters/{membership_id}/capacity", {"capacity": 4}),
    Endpoint("POST", "/api/v1/team/chatters/{membership_id}/extend"),
    Endpoint("POST", "/api/v1/team/clock-in"),
    Endpoint("POST", "/api/v1/team/clock-out"),
    Endpoint("POST", "/api/v1/team/next-chat"),
    Endpoint("GET", "/api/v1/team/leaderboard"),
    Endpoint("GET", "/api/v1/segments"),
    Endpoint(
        "POST",
        "/api/v1/platform-accounts/{account_id}/segments",
        {"name": "Tippers", "rules": {"spent_min_cents": 500}},
    ),
    Endpoint(
        "POST",
        "/api/v1/platform-accounts/{account_id}/segments/count",
        {"rules": {"subscription": "active"}},
        read_only=True,
    ),
    Endpoint("GET", "/api/v1/segments/{segment_id}"),
    Endpoint("GET", "/api/v1/segments/{segment_id}/count"),
    Endpoint(
        "DELETE", "/api/v1/segments/{segment_id}", id_from=(("segment_id", "unused_segment_id"),)
    ),
    Endpoint("GET", "/api/v1/campaigns"),
    Endpoint(
        "POST", "/api/v1/segments/{segment_id}/campaigns", {"name": "Hi", "text": "Hi {{name}}"}
    ),
    Endpoint("GET", "/api/v1/campaigns/{campaign_id}"),
    Endpoint("GET", "/api/v1/campaigns/{campaign_id}/progress"),
    Endpoint("GET", "/api/v1/campaigns/{campaign_id}/uplift"),
    Endpoint("POST", "/api/v1/campaigns/{campaign_id}/start"),
    Endpoint(
        "POST",
        "/api/v1/campaigns/{campaign_id}/pause",
        id_from=(("campaign_id", "sending_campaign_id"),),
    ),
    Endpoint(
        "POST",
        "/api/v1/campaigns/{campaign_id}/resume",
        id_from=(("campaign_id", "paused_campaign_id"),),
    ),
    Endpoint("POST", "/api/v1/campaigns/{campaign_id}/cancel"),
    Endpoint("GET", "/api/v1/automations"),
    Endpoint(
        "POST",
        "/api/v1/platform-accounts/{account_id}/automations",
        {"name": "Welcome", "trigger": "welcome", "text": "Welcome {{name}}!"},
    ),
]


# Path values naming global things (tenant_path=False), not an organization's objects.
GLOBAL_PATH_VALUES = {"task_name": "content.hashtags", "month": "2026-01"}


@dataclass
class World:
    owner_a: Member
    viewer_a: Member
    owner_b: Member
    ids: dict[str, str]


@pytest.fixture
def world(session: Session) -> World:
    org_a, org_b = make_org(session, name="A"), make_org(session, name="B")
    owner_a = make_member(session, org_a, Role.OWNER)
    viewer_a = make_member(session, org_a, Role.VIEWER)
    chatter_a = make_member(session, org_a, Role.CHATTER)
    owner_b = make_member(session, org_b, Role.OWNER)
    creator = make_creator(session, owner_a)
    account = creators.add_account(
        session,
        owner_a.actor,
        creator.id,
        PlatformAccountCreate(platform="simulator", handle="luna"),
    )
    invitation = accounts.invite(
        session, owner_a.actor, email="inv@example.com", role=Role.VIEWER
    ).invitation
    key = api_key_service.create(session, owner_a.actor, name="a-key", role=Role.VIEWER).api_key
    drafts = [
        outbox.create(
            session,
            owner_a.actor,
            platform_account_id=account.id,
            data=OutboundCreate(kind=Kind.MESSAGE, platform_fan_id="7", text=f"Hello {n}"),
        )
        for n in range(3)
    ]
    outbox.approve(session, owner_a.actor, drafts[2].id)
    ref = AccountRef(org=owner_a.actor.org, account_id=account.id, creator_id=creator.id)
    fans.upsert_from_platform(session, ref, [PlatformFan(platform_fan_id="7", username="fan7")])
    fan = fans.ensure(session, ref, ["7"])["7"]
    cloud = ProviderIn(
        name="cloud-a", kind="openai_compatible", model="m", base_url="http://127.0.0.1:9/v1"
    )
    ai.save_settings(session, owner_a.actor, AISettingsIn(providers=[cloud]))
    item = vault.upload(
        session,
        owner_a.actor,
        creator,
        chunks=[picture(seed=1)],
        filename="set.png",
        blobs=blob_store(),
        limits=VaultLimits.from_settings(get_settings()),
    ).item
    shift = team.create_shift(
        session,
        owner_a.actor,
        ShiftCreate(
            name="Day",
            weekdays=[0],
            start_time="09:00",
            end_time="17:00",
            creator_ids=[creator.id],
            chatter_ids=[chatter_a.membership.id],
        ),
    ).shift
    segment = campaigns.create_segment(
        session, owner_a.actor, SegmentIn(platform_account_id=account.id, name="All")
    )
    unused = campaigns.create_segment(
        session, owner_a.actor, SegmentIn(platform_account_id=account.id, name="Unused")
    )
    made = [
        campaigns.create(
            session, owner_a.actor, CampaignIn(name=f"c{n}", segment_id=segment.id, text="Hi")
        )
        for n in range(3)
    ]
    for campaign, state in zip(made[1:], ("sending", "paused"), strict=True):
        campaign.state = state
    session.commit()
    ids = {
        "segment_id": segment.id,
        "unused_segment_id": unused.id,
        "campaign_id": made[0].id,
        "sending_campaign_id": made[1].id,
        "paused_campaign_id": made[2].id,
        "shift_id": shift.id,
        "membership_id": chatter_a.membership.id,
        "invitation_id": invitation.id,
        "key_id": key.id,
        "creator_id": creator.id,
        "account_id": account.id,
        "message_id": drafts[0].id,
        "draft_message_id": drafts[1].id,
        "approved_message_id": drafts[2].id,
        "provider_name": "cloud-a",
        "fan_id": fan.id,
        "item_id": item.id,
    }
    return World(owner_a=owner_a, viewer_a=viewer_a, owner_b=owner_b, ids=ids)


def _call(
    client: TestClient, endpoint: Endpoint, ids: dict[str, str], headers: dict[str, str]
) -> Any:
    path_ids = GLOBAL_PATH_VALUES | ids | {name: ids[source] for name, source in endpoint.id_from}
    path = endpoint.path.format(**path_ids)
    if endpoint.content is not None:
        raw_headers = {**headers, "content-type": endpoint.content_type}
        return client.request(endpoint.method, path, content=endpoint.content, headers=raw_headers)
    return client.request(endpoint.method, path, json=endpoint.body, headers=headers)


def test_table_covers_every_api_route(app: FastAPI) -> None:
    documented = {
        (method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item
    }
    assert documented == {(e.method, e.path.split("?")[0]) for e in ENDPOINTS}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_other_organization_gets_404_or_sees_nothing(
    client: TestClient, session: Session, world: World, endpoint: Endpoint
) -> None:
    response = _call(client, endpoint, world.ids, api_headers(client, session, world.owner_b))
    if "{" in endpoint.path and endpoint.tenant_path:
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == "application/problem+json"
    else:
        assert response.status_code < 400, response.text
        text = response.text
        assert not any(value in text for value in world.ids.values())


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.writes], ids=lambda e: f"{e.method} {e.path}"
)
def test_viewer_cannot_change_anything(
    client: TestClient, session: Session, world: World, endpoint: Endpoint
) -> None:
    response = _call(client, endpoint, world.ids, api_headers(client, session, world.viewer_a))
    assert response.status_code == 403, response.text
    assert "viewer" in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_anonymous_gets_401(client: TestClient, world: World, endpoint: Endpoint) -> None:
    response = _call(client, endpoint, world.ids, {})
    assert response.status_code == 401
    assert response.json()["status"] == 401


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.writes], ids=lambda e: f"{e.method} {e.path}"
)
def test_owner_can_do_it(
    client: TestClient, session: Session, world: World, endpoint: Endpoint
) -> None:
    """The same calls succeed for the right person, so the 403/404s above mean something."""
    response = _call(client, endpoint, world.ids, api_headers(client, session, world.owner_a))
    assert response.status_code in (200, 201, 202, 204), response.text
