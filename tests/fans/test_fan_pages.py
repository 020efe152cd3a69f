"""The fan CRM pages: the list with filters, search, sort, pages and saved views; a fan's page
with spend, scores, timeline, notes, tags and fields; every form refusing bad input with its
message; another organization gets 404 on every fan route; a chatter on shift sees only the
creators of that shift."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session
from tests.factories import log_in, make_member, make_org
from tests.fans.helpers import seed_fans
from tests.outbox.helpers import Agency, make_agency
from tests.team.helpers import make_team, shift_running, waiting_fan

from huntaze.accounts.permissions import Role
from huntaze.fans.crm import crm
from huntaze.fans.models import Fan
from huntaze.fans.schemas import FanListFilter, NoteIn, SavedViewIn


@pytest.fixture
def agency(session: Session) -> Agency:
    return make_agency(session)


@pytest.fixture
def world(session: Session, agency: Agency) -> dict[str, Fan]:
    return seed_fans(session, agency)


def test_the_fan_list_filters_searches_and_saves_views(
    client: TestClient, session: Session, agency: Agency, world: dict[str, Fan]
) -> None:
    csrf = log_in(client, session, agency.chatter)
    page = client.get("/fans")
    assert page.status_code == 200
    assert all(name in page.text for name in ("Mia", "Leo", "Zoe")) and "3 fans" in page.text
    assert '<a href="/fans"' in page.text  # the navigation's link
    expired = client.get("/fans", params={"state": "expired"}).text
    assert "Zoe" in expired and "Leo" not in expired
    new = client.get("/fans", params={"new": "1", "q": "mi"}).text
    assert "Mia" in new and "Leo" not in new
    spent = client.get("/fans", params={"spend": "50_200", "sort": "spend"}).text
    assert "Leo" in spent and "Mia" not in spent
    saved = client.post(
        "/fans/views",
        data={"csrf_token": csrf, "name": "Expired", "state": "expired"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/fans?state=expired"
    listed = client.get("/fans").text
    assert 'href="/fans?state=expired">Expired</a>' in listed
    unnamed = client.post("/fans/views", data={"csrf_token": csrf, "name": "", "state": "expired"})
    assert unnamed.status_code == 422 and 'data-testid="error-name"' in unnamed.text
    nothing = client.post("/fans/views", data={"csrf_token": csrf, "name": "All"})
    assert nothing.status_code == 422 and "choose a filter first" in nothing.text
    view = crm.views(session, agency.chatter.actor)[0]
    deleted = client.post(
        f"/fans/views/{view.id}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert deleted.status_code == 303
    assert crm.views(session, agency.chatter.actor) == []


BAD_FILTERS = [
    ("state", "gone"),
    ("spend", "lots"),
    ("sort", "random"),
    ("page", "0"),
    ("page", str(2**64)),
    ("page", "NaN"),
    ("new", "maybe"),
    ("q", "x" * 101),
    ("creator", "c" * 40),
]


def test_a_bad_filter_is_refused_with_its_message(
    client: TestClient, session: Session, agency: Agency
) -> None:
    log_in(client, session, agency.chatter)
    for name, value in BAD_FILTERS:
        response = client.get("/fans", params={name: value})
        assert response.status_code == 422, (name, value)
        assert 'role="alert"' in response.text, (name, value)
        assert 'data-testid="fans"' not in response.text


def test_the_list_pages_through_many_fans(
    client: TestClient, session: Session, agency: Agency
) -> None:
    from huntaze.fans.service import AccountRef, fans
    from huntaze.platforms.base import PlatformFan

    ref = AccountRef(agency.owner.actor.org, agency.account.id, agency.account.creator_id)
    fans.upsert_from_platform(
        session, ref, [PlatformFan(platform_fan_id=str(n), username=f"f{n:03}") for n in range(60)]
    )
    session.commit()
    log_in(client, session, agency.chatter)
    first = client.get("/fans", params={"sort": "name"}).text
    assert "f000" in first and "f050" not in first and "page 1 of 2" in first
    assert 'href="/fans?sort=name&amp;page=2"' in first
    second = client.get("/fans", params={"sort": "name", "page": "2"}).text
    assert "f050" in second and "f000" not in second
    assert client.get("/fans", params={"page": "9"}).status_code == 200


def test_the_fan_page_shows_spend_scores_timeline_and_links_the_chat(
    client: TestClient, session: Session, agency: Agency, world: dict[str, Fan]
) -> None:
    log_in(client, session, agency.chatter)
    leo = world["leo"]
    page = client.get(f"/fans/{leo.id}")
    assert page.status_code == 200
    text = page.text
    assert f'href="/inbox/{leo.id}"' in text
    assert "$179.97" in text  # $150 PPV + 3 × $9.99 subscriptions
    assert "on: renewed 2 times" in text
    for score in ("Lifetime value", "Churn risk", "Purchase propensity", "PPV buy rate"):
        assert score in text
    assert "1 of 1 PPV messages bought" in text and "Renewed 2 times" in text
    assert "worth every cent" in text and "PPV purchase" in text and "Subscribed" in text
    assert "7 events" in text
    assert client.get(f"/fans/{leo.id}", params={"page": "2"}).status_code == 200
    assert client.get(f"/fans/{leo.id}", params={"page": "0"}).status_code == 422
    # a chatter writes notes, not the pinned one
    assert 'action="/fans/' + leo.id + '/pinned"' not in text
    assert 'action="/fans/' + leo.id + '/notes"' in text


def test_notes_tags_and_fields_through_the_forms(
    client: TestClient, session: Session, agency: Agency, world: dict[str, Fan]
) -> None:
    mia = world["mia_k"]
    csrf = log_in(client, session, agency.chatter)
    base = f"/fans/{mia.id}"

    def post(path: str, **data: str) -> object:
        return client.post(base + path, data={"csrf_token": csrf, **data}, follow_redirects=False)

    assert post("/notes", text="asked about Friday").status_code == 303  # type: ignore[attr-defined]
    assert post("/tags", tag="Whale").status_code == 303  # type: ignore[attr-defined]
    assert post("/fields", key="birthday", value="12 March").status_code == 303  # type: ignore[attr-defined]
    page = client.get(base).text
    assert "asked about Friday" in page and "whale" in page and "12 March" in page
    for path, data, field in [
        ("/notes", {"text": ""}, "text"),
        ("/notes", {"text": "x" * 4001}, "text"),
        ("/tags", {"tag": "<b>"}, "tag"),
        ("/tags", {"tag": "t" * 41}, "tag"),
        ("/fields", {"key": "", "value": "v"}, "key"),
        ("/fields", {"key": "k", "value": "v" * 501}, "value"),
    ]:
        refused = client.post(base + path, data={"csrf_token": csrf, **data})
        assert refused.status_code == 422, (path, data)
        assert f'data-testid="error-{field}"' in refused.text, (path, data)
    odd = client.post(base + "/tags", data={"csrf_token": csrf, "tag": "<b>"})
    assert "use letters, digits, spaces and dashes only" in odd.text
    assert post("/pinned", text="Likes: beach").status_code == 403  # type: ignore[attr-defined]
    assert post("/tags/remove", tag="whale").status_code == 303  # type: ignore[attr-defined]
    assert post("/tags/remove", tag="whale").status_code == 404  # type: ignore[attr-defined]
    assert post("/fields/remove", key="birthday").status_code == 303  # type: ignore[attr-defined]
    note = crm.profile(session, agency.chatter.actor, mia).free_notes[0]
    assert post(f"/notes/{note.id}/delete").status_code == 303  # type: ignore[attr-defined]
    assert "asked about Friday" not in client.get(base).text

    log_in(client, session, agency.manager)
    page = client.get(base).text
    assert "Real name / what to call them:" in page  # the template a manager starts from
    saved = client.post(
        base + "/pinned",
        data={"csrf_token": csrf_of(client, session, agency), "text": "Likes: beach"},
    )
    assert saved.status_code == 200 and "Likes: beach" in saved.text


def csrf_of(client: TestClient, session: Session, agency: Agency) -> str:
    return log_in(client, session, agency.manager)


def _fan_routes(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for route in iter_route_contexts(app.router.routes):
        if route.path is None or not route.path.startswith("/fans"):
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, route.path))
    return found


def test_another_organization_gets_404_on_every_fan_route(
    app: FastAPI, client: TestClient, session: Session, agency: Agency, world: dict[str, Fan]
) -> None:
    leo = world["leo"]
    note = crm.add_note(session, agency.chatter.actor, leo, NoteIn(text="mine"))
    view = crm.save_view(
        session, agency.chatter.actor, SavedViewIn(name="Old"), FanListFilter(state="expired")
    )
    session.commit()
    ids = {"fan_id": leo.id, "note_id": note.id, "view_id": view.id}
    stranger = make_member(session, make_org(session), Role.OWNER)
    csrf = log_in(client, session, stranger)
    routes = _fan_routes(app)
    assert len(routes) >= 11
    for method, path in routes:
        filled = re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], path)
        data = {"csrf_token": csrf, "text": "x", "tag": "whale", "key": "k", "value": "v"}
        response = client.request(method, filled, data=data if method == "POST" else None)
        if "{" in path:
            assert response.status_code == 404, (method, path, response.status_code)
        else:
            assert response.status_code in (200, 303, 422), (method, path)
            assert "Leo" not in response.text
    listed = client.get("/fans").text
    assert "Leo" not in listed and "0 fans" in listed


def test_a_chatter_on_shift_sees_only_the_fans_of_their_creators(
    client: TestClient, session: Session
) -> None:
    now = dt.datetime.now(dt.UTC)
    crew = make_team(session)
    mine = waiting_fan(session, crew, "1", name="Mia", waited=dt.timedelta(minutes=5), now=now)
    theirs = waiting_fan(
        session,
        crew,
        "2",
        name="Oscar",
        waited=dt.timedelta(minutes=5),
        account=crew.other_account,
        now=now,
    )
    shift_running(session, crew, chatters=[crew.chatter], creator_ids=[crew.creator_id], now=now)
    session.commit()
    log_in(client, session, crew.chatter)
    listed = client.get("/fans").text
    assert "Mia" in listed and "Oscar" not in listed
    assert "Other Creator" not in listed  # not even in the creator filter
    assert "Oscar" not in client.get("/fans", params={"creator": crew.other_creator_id}).text
    assert client.get(f"/fans/{mine.id}").status_code == 200
    assert client.get(f"/fans/{theirs.id}").status_code == 403
    log_in(client, session, crew.manager)
    assert "Oscar" in client.get("/fans").text


def _statements(client: TestClient, session: Session, path: str) -> int:
    statements: list[str] = []
    engine = session.get_bind().engine

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    client.get(path)  # once before counting: work done once per login is not counted
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_list_and_the_fan_page_run_as_many_statements_for_more_rows(
    client: TestClient, session: Session, agency: Agency, world: dict[str, Fan]
) -> None:
    from huntaze.fans.schemas import TagIn
    from huntaze.fans.service import AccountRef, fans
    from huntaze.platforms.base import PlatformFan

    log_in(client, session, agency.manager)
    leo = world["leo"]
    counts: dict[str, list[int]] = {"list": [], "fan": []}
    ref = AccountRef(agency.owner.actor.org, agency.account.id, agency.account.creator_id)
    for size in (5, 30):
        fans.upsert_from_platform(
            session,
            ref,
            [PlatformFan(platform_fan_id=f"x{n}", username=f"x{n}") for n in range(size)],
        )
        for n in range(size):
            crm.add_tag(session, agency.manager.actor, leo, TagIn(tag=f"t{n}"))
            crm.add_note(session, agency.manager.actor, leo, NoteIn(text=f"note {n}"))
        session.commit()
        counts["list"].append(_statements(client, session, "/fans?sort=name"))
        counts["fan"].append(_statements(client, session, f"/fans/{leo.id}"))
    assert counts["list"][0] == counts["list"][1], counts
    assert counts["fan"][0] == counts["fan"][1], counts


def test_a_viewer_reads_and_changes_nothing_and_every_form_needs_its_csrf_token(
    client: TestClient, session: Session, agency: Agency, world: dict[str, Fan]
) -> None:
    viewer = make_member(session, agency.owner.organization, Role.VIEWER)
    csrf = log_in(client, session, viewer)
    leo = world["leo"]
    page = client.get(f"/fans/{leo.id}")
    assert page.status_code == 200 and "Lifetime value" in page.text
    assert f'action="/fans/{leo.id}/notes"' not in page.text
    for path, data in [
        ("/notes", {"text": "hi"}),
        ("/tags", {"tag": "x"}),
        ("/pinned", {"text": "x"}),
    ]:
        refused = client.post(f"/fans/{leo.id}{path}", data={"csrf_token": csrf, **data})
        assert refused.status_code == 403, path
    log_in(client, session, agency.chatter)
    forged = client.post(f"/fans/{leo.id}/notes", data={"text": "no token"})
    assert forged.status_code == 403
    assert crm.profile(session, agency.chatter.actor, leo).notes == []
