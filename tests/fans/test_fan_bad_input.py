"""The bad-input sweep of ``tests/web`` on the fan pages with a fan to fill ``{fan_id}``: every
hostile value in every field of every form of a fan's page, and in its query, as a manager (who
sees every form). Nothing answers 500. (/fans and its forms need no fan: the sweep of
``tests/web`` covers them.)"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import log_in
from tests.fans.helpers import seed_fans
from tests.outbox.helpers import make_agency
from tests.web.test_bad_input_sweep import BAD_TEXT, _FormParser

from huntaze.fans.crm import crm
from huntaze.fans.schemas import NoteIn

pytestmark = pytest.mark.slow
# One value of each kind of the shared list: the fan page's fields are all text, so dates and
# numbers written several ways test the same code; each refused post renders the whole page.
VALUES = ["", "\u0000", "x" * 5000, "%", "NaN", "-1", str(2**64 + 1), "../../etc/passwd"]


def test_every_field_of_the_fan_pages(client: TestClient, session: Session) -> None:
    agency = make_agency(session)
    leo = seed_fans(session, agency)["leo"]
    note = crm.add_note(session, agency.manager.actor, leo, NoteIn(text="mine"))
    session.commit()
    csrf = log_in(client, session, agency.manager)
    problems: list[str] = []
    pages = [f"/fans/{leo.id}"]
    forms: dict[tuple[str, str], dict[str, str]] = {}
    for page in pages:
        parser = _FormParser()
        parser.feed(client.get(page).text)
        for form in parser.forms:
            target = urlsplit(urljoin(page, form.action or page)).path
            forms.setdefault((form.method, target), dict(form.fields))
    forms[("get", f"/fans/{leo.id}")] = {"page": "1"}
    forms[("post", f"/fans/{leo.id}/notes/{note.id}/delete")] = {}
    assert len(forms) >= 7, sorted(forms)
    for (method, target), fields in forms.items():
        for name in [n for n in fields if n != "csrf_token"] or ["x"]:
            for value in VALUES:
                assert value in BAD_TEXT
                data = fields | {name: value, "csrf_token": csrf}
                if method == "get":
                    response = client.get(target, params=data)
                else:
                    response = client.post(target, data=data)
                if response.status_code >= 500:
                    problems.append(f"{method} {target} {name}={value[:30]!r}: 500")
    for view in ["/fans/views/no-such-view/delete", f"/fans/{leo.id}/notes/{'x' * 70}/delete"]:
        response = client.post(view, data={"csrf_token": csrf})
        if response.status_code >= 500:
            problems.append(f"post {view}: {response.status_code}")
    assert client.get(f"/fans/{leo.id}").status_code == 200
    assert problems == []
