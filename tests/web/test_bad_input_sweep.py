"""A bad-input sweep: hostile values in every API query parameter and JSON body field, and in
every field of every HTML form and page query, as the owner. Nothing may answer 500; the API
answers problem+json.

The operations and forms are found by walking the application (its OpenAPI document, its page
routes and the forms its pages render), so a new endpoint or form is swept without editing this
file; an API operation with a JSON body is swept from its valid base body in ``_base_bodies``
(from an empty body when it has none yet, which still reaches every field's validation).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.content.media_files import picture
from tests.factories import log_in, make_creator, make_member, make_org

from huntaze.accounts.api_keys import api_key_service
from huntaze.accounts.permissions import Role
from huntaze.accounts.service import accounts
from huntaze.ai.org_settings import AISettingsIn, ProviderIn, TaskRouteIn
from huntaze.ai.service import ai
from huntaze.config import get_settings
from huntaze.content.service import VaultLimits, vault
from huntaze.creators.schemas import PlatformAccountCreate
from huntaze.creators.service import creators
from huntaze.outbox.schemas import OutboundCreate
from huntaze.outbox.service import outbox
from huntaze.outbox.states import Kind
from huntaze.storage.blobs import blob_store

# Text values: what a query string or a form field can carry.
BAD_TEXT = [
    "9999-12",
    "0000-00",
    str(2**63),
    str(2**64 + 1),
    "-1",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "1e999999",
    "1e20",
    "NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "x" * 5000,
    "",
    "\u0000",
    "%",
    "../../etc/passwd",
]
JSON_TEXT = {
    "9999-12",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "1e999999",
    "NaN",
    "x" * 5000,
    "",
    "\u0000",
}
# JSON values, written raw: Python's JSON reader takes NaN and Infinity, and 1e999999 overflows.
BAD_JSON = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999999",
    "1e20",
    "-1",
    str(2**63),
    "1.5",
    "true",
    "false",
    "null",
    "[]",
    "{}",
    *(json.dumps(v) for v in BAD_TEXT if v in JSON_TEXT),
]
# Paths ending a session or leaving the organization are not swept (they do nothing with input).
NOT_SWEPT_FORMS = {"/logout"}
NOT_PAGES = {"/healthz", "/readyz", "/metrics"}
TASK = "content.hashtags"
pytestmark = pytest.mark.slow


def _base_bodies(ids: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    """A valid body per API operation, the starting point of each field's bad values."""
    return {
        ("PATCH", "/api/v1/organization"): {"name": "Renamed"},
        ("PATCH", "/api/v1/members/{membership_id}"): {"role": "viewer"},
        ("POST", "/api/v1/invitations"): {"email": "x@example.com", "role": "viewer"},
        ("POST", "/api/v1/api-keys"): {"name": "k", "role": "viewer"},
        ("POST", "/api/v1/creators"): {
            "display_name": "New",
            "timezone": "UTC",
            "tone": "warm",
            "topics": ["beach"],
            "boundaries": "",
            "emoji_use": "light",
            "languages": ["en"],
            "price_min_cents": 500,
            "price_max_cents": 5000,
            "currency": "USD",
        },
        ("PATCH", "/api/v1/creators/{creator_id}"): {"tone": "calm", "price_min_cents": 100},
        ("POST", "/api/v1/creators/{creator_id}/platform-accounts"): {
            "platform": "simulator",
            "handle": "fresh",
            "base_url": "http://127.0.0.1:9",
            "skin": "classic",
            "proxy": "",
            "session_secret": "secret",
        },
        ("PATCH", "/api/v1/platform-accounts/{account_id}"): {"skin": "api2"},
        ("POST", "/api/v1/compliance/check"): {
            "text": "hello",
            "direction": "outbound",
            "creator_id": ids["creator_id"],
        },
        ("PUT", "/api/v1/compliance/rules"): {"yaml_text": "rules: []"},
        ("PUT", "/api/v1/creators/{creator_id}/compliance-rules"): {"yaml_text": "rules: []"},
        ("PUT", "/api/v1/creators/{creator_id}/vault/ladders"): {
            "folder": "Beach",
            "steps_cents": [1500, 1000],
        },
        ("POST", "/api/v1/platform-accounts/{account_id}/outbound-messages"): {
            "kind": "post",
            "text": "New set tonight",
            "idempotency_key": "sweep-1",
            "media_ids": ["m1"],
            "publish_at": "2030-01-01T10:00:00+01:00",
            "author_kind": "ai_draft_approved",
            "ai_model": "m",
            "ai_prompt_version": "v1",
            "source_kind": "sweep",
            "source_id": "1",
        },
        ("POST", "/api/v1/ai/tasks/{task_name}"): {},
        ("PUT", "/api/v1/ai/settings"): {
            "providers": [
                {
                    "name": "cloud-a",
                    "kind": "openai_compatible",
                    "model": "m",
                    "base_url": "http://127.0.0.1:9/v1",
                    "api_key": "",
                    "api_version": "2024-10-21",
                    "input_per_mtok_usd": 0.1,
                    "output_per_mtok_usd": 0.2,
                }
            ],
            "default_provider": "cloud-a",
            "tasks": {TASK: {"provider": "cloud-a", "model": "m2"}},
            "monthly_cap_cents": 1000,
            "task_monthly_cap_cents": {TASK: 100},
        },
        ("POST", "/api/v1/creators/{creator_id}/ai-examples"): {
            "items": [
                {
                    "kind": "reply",
                    "text": "want the full beach set?",
                    "outcome": "purchase",
                    "performance": 0.5,
                    "revenue_cents": 999,
                    "currency": "USD",
                    "source_ref": "x",
                }
            ]
        },
        ("POST", "/api/v1/creators/{creator_id}/ai-examples/search"): {
            "text": "more beach photos?",
            "kind": "reply",
            "k": 3,
            "min_score": 0.1,
            "outcomes": ["purchase"],
        },
    }


@dataclass
class World:
    ids: dict[str, str]
    api_headers: dict[str, str]
    csrf: str
    invite_path: str


@pytest.fixture
def world(client: TestClient, session: Session) -> World:
    org = make_org(session, name="Sweep")
    owner = make_member(session, org, Role.OWNER)
    chatter = make_member(session, org, Role.CHATTER)
    creator = make_creator(session, owner)
    account = creators.add_account(
        session, owner.actor, creator.id, PlatformAccountCreate(platform="simulator", handle="luna")
    )
    invited = accounts.invite(session, owner.actor, email="inv@example.com", role=Role.VIEWER)
    key = api_key_service.create(session, owner.actor, name="sweep", role=Role.OWNER)
    drafts = [
        outbox.create(
            session,
            owner.actor,
            platform_account_id=account.id,
            data=OutboundCreate(kind=Kind.MESSAGE, platform_fan_id="7", text=f"Hello {n}"),
        )
        for n in range(2)
    ]
    outbox.approve(session, owner.actor, drafts[1].id)
    cloud = ProviderIn(
        name="cloud-a", kind="openai_compatible", model="m", base_url="http://127.0.0.1:9/v1"
    )
    ai.save_settings(
        session,
        owner.actor,
        AISettingsIn(providers=[cloud], tasks={TASK: TaskRouteIn(provider="cloud-a")}),
    )
    item = vault.upload(
        session,
        owner.actor,
        creator,
        chunks=[picture()],
        filename="sweep.png",
        blobs=blob_store(),
        limits=VaultLimits.from_settings(get_settings()),
    ).item
    session.commit()
    ids = {
        "membership_id": chatter.membership.id,
        "invitation_id": invited.invitation.id,
        "key_id": key.api_key.id,
        "creator_id": creator.id,
        "account_id": account.id,
        "message_id": drafts[0].id,
        "name": "cloud-a",
        "task_name": TASK,
        "item_id": item.id,
    }
    csrf = log_in(client, session, owner)
    return World(
        ids=ids,
        api_headers={"Authorization": f"Bearer {key.token}"},
        csrf=csrf,
        invite_path=urlsplit(invited.accept_url).path,
    )


@dataclass
class Findings:
    """Every response that broke the rules, reported together at the end."""

    problems: list[str] = field(default_factory=list)

    def check_api(self, what: str, response: Any) -> None:
        if response.status_code >= 500:
            self.problems.append(f"{what}: {response.status_code}")
        elif response.status_code >= 400:
            kind = response.headers.get("content-type", "")
            if kind != "application/problem+json":
                self.problems.append(f"{what}: {response.status_code} as {kind!r}")

    def check_page(self, what: str, response: Any) -> None:
        if response.status_code >= 500:
            self.problems.append(f"{what}: {response.status_code}")

    def assert_none(self) -> None:
        shown = "\n".join(self.problems[:60])
        assert not self.problems, f"{len(self.problems)} bad responses:\n{shown}"


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:20] + f"…({len(value)} chars)"


def _operations(app: FastAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def _fill(path: str, ids: dict[str, str]) -> str:
    # An id this world has no object for still reaches the validation of every other input.
    return re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "no-such-id"), path)


def test_api_query_parameters(client: TestClient, app: FastAPI, world: World) -> None:
    findings = Findings()
    bodies = _base_bodies(world.ids)
    swept = 0
    for method, path, operation in _operations(app):
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        body = bodies.get((method, path)) if "requestBody" in operation else None
        for name in names:
            for value in BAD_TEXT:
                response = client.request(
                    method,
                    _fill(path, world.ids),
                    params={name: value},
                    json=body,
                    headers=world.api_headers,
                )
                findings.check_api(f"{method} {path}?{name}={_short(value)}", response)
                swept += 1
    assert swept > 0
    findings.assert_none()


def _field_paths(
    schema: dict[str, Any], components: dict[str, Any], body: Any
) -> Iterator[tuple[Any, ...]]:
    """Paths to every field of a body schema: object properties, first list items, map values."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    for option in schema.get("anyOf", []) + schema.get("allOf", []):
        yield from _field_paths(option, components, body)
    for name, sub in schema.get("properties", {}).items():
        yield (name,)
        inner = body.get(name) if isinstance(body, dict) else None
        for rest in _field_paths(sub, components, inner):
            yield (name, *rest)
    if isinstance(schema.get("items"), dict):
        inner = body[0] if isinstance(body, list) and body else None
        for rest in _field_paths(schema["items"], components, inner):
            yield (0, *rest)
    if isinstance(schema.get("additionalProperties"), dict) and isinstance(body, dict):
        for key, inner in body.items():
            yield (key,)
            for rest in _field_paths(schema["additionalProperties"], components, inner):
                yield (key, *rest)


RAW = "\u0001raw\u0001"


def _with_raw_value(body: Any, path: tuple[Any, ...], raw: str) -> str:
    """The body as JSON text with ``raw`` (a JSON literal, maybe not standard) at ``path``."""
    copy = json.loads(json.dumps(body))
    target = copy
    for step, following in itertools.pairwise(path):
        if isinstance(target, list) and not target:
            target.append({})
        if isinstance(target, dict) and step not in target:
            # The container to make is the one the next step indexes: a list for a position.
            target[step] = [] if isinstance(following, int) else {}
        target = target[step]
    last = path[-1]
    if isinstance(target, list):
        if not target:
            target.append(None)
        target[last] = RAW
    else:
        target[last] = RAW
    return json.dumps(copy).replace(json.dumps(RAW), raw)


def test_api_json_bodies(client: TestClient, app: FastAPI, world: World) -> None:
    findings = Findings()
    bodies = _base_bodies(world.ids)
    components = app.openapi().get("components", {}).get("schemas", {})
    with_body = [
        (m, p, o)
        for m, p, o in _operations(app)
        if "application/json" in o.get("requestBody", {}).get("content", {})
    ]
    assert with_body
    for method, path, operation in with_body:
        # Without a valid base body (add one above) each field is still swept, from an empty one.
        base = bodies.get((method, path), {})
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        paths = list(dict.fromkeys(_field_paths(schema, components, base)))
        for field_path in paths:
            for raw in BAD_JSON:
                content = _with_raw_value(base, field_path, raw)
                response = client.request(
                    method,
                    _fill(path, world.ids),
                    content=content,
                    headers=world.api_headers | {"content-type": "application/json"},
                )
                where = ".".join(map(str, field_path))
                findings.check_api(f"{method} {path} {where}={_short(raw)}", response)
        again = client.request(method, _fill(path, world.ids), json=base, headers=world.api_headers)
        findings.check_api(f"{method} {path} with the valid body after the sweep", again)
    findings.assert_none()


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: dict[str, str]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[HtmlForm] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(HtmlForm(a.get("action", ""), a.get("method", "get").lower(), {}))
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self.forms[-1].fields.setdefault(a["name"], "")
            else:
                self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1].fields[a["name"]] = ""
        elif tag == "option" and self._select and not self.forms[-1].fields[self._select]:
            self.forms[-1].fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1].fields[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea] += data


def _page_routes(app: FastAPI) -> list[Any]:
    """The routes of HTML pages: outside the API and the plumbing, not in the OpenAPI."""
    return [
        r
        for r in iter_route_contexts(app.router.routes)
        if isinstance(r.original_route, APIRoute)
        and not r.include_in_schema
        and not r.path.startswith("/api/")
        and r.path not in NOT_PAGES
    ]


def _pages(app: FastAPI, world: World) -> list[str]:
    """Every GET page whose path parameters this world can fill."""
    ids = world.ids
    pages = []
    for route in _page_routes(app):
        if "GET" not in route.methods:
            continue
        if route.path == "/invite/{token}":
            pages.append(world.invite_path)
        elif all(p in ids for p in route.param_convertors):
            pages.append(_fill(route.path, ids))
    return pages


def _route_form_fields(app: FastAPI, world: World) -> dict[str, set[str]]:
    """The declared ``Form`` parameters of each POST page route, by filled path."""
    declared: dict[str, set[str]] = {}
    for route in _page_routes(app):
        if "POST" not in route.methods:
            continue
        path = world.invite_path if route.path == "/invite/{token}" else None
        if path is None and all(p in world.ids for p in route.param_convertors):
            path = _fill(route.path, world.ids)
        if path is None:
            continue
        declared[path] = {
            p.alias for p in route.dependant.body_params if p.alias != "csrf_token"
        } | declared.get(path, set())
    return declared


def _one_per_family(fields: dict[str, str]) -> list[str]:
    """The fields to sweep: one of each family of repeated fields (``cap__<task>`` for every
    task is one family: the same code reads them all)."""
    families: dict[str, str] = {}
    for name in fields:
        if name != "csrf_token":
            families.setdefault(name.split("__", 1)[0], name)
    return list(families.values())


def test_html_forms_and_page_queries(client: TestClient, app: FastAPI, world: World) -> None:
    findings = Findings()
    pages = _pages(app, world)
    assert pages
    forms: dict[tuple[str, str], tuple[str, dict[str, str]]] = {}
    for page in pages:
        response = client.get(page)
        findings.check_page(f"GET {page}", response)
        parser = _FormParser()
        parser.feed(response.text)
        for form in parser.forms:
            target = urlsplit(urljoin(page, form.action or page)).path
            forms.setdefault((form.method, target), (page, form.fields))
    for route in _page_routes(app):
        if "GET" in route.methods:
            for param in route.dependant.query_params:
                for page in pages:
                    if re.fullmatch(route.path_regex, page):
                        forms.setdefault(("get", page), (page, {}))
                        forms[("get", page)][1].setdefault(param.alias, "")
    declared = _route_form_fields(app, world)
    for path, names in declared.items():
        page, fields = forms.setdefault(("post", path), ("/", {}))
        for name in names:
            fields.setdefault(name, "")
    swept: set[tuple[str, str]] = set()
    for (method, target), (page, fields) in forms.items():
        if target in NOT_SWEPT_FORMS:
            continue
        for name in _one_per_family(fields):
            for value in BAD_TEXT:
                data = fields | {name: value, "csrf_token": world.csrf}
                if method == "get":
                    response = client.get(target, params=data)
                else:
                    response = client.post(target, data=data)
                findings.check_page(f"{method.upper()} {target} {name}={_short(value)}", response)
                swept.add((target, name))
        findings.check_page(f"GET {page} after sweeping {target}", client.get(page))
    missing = {(p, n.split("__", 1)[0]) for p, names in declared.items() for n in names} - {
        (p, n.split("__", 1)[0]) for p, n in swept
    }
    assert not missing, f"declared form fields not swept: {missing}"
    findings.assert_none()
