"""Pages carry no inline script or style, so a strict Content-Security-Policy can forbid both.

User data in an inline handler (``onsubmit="return confirm('{{ name }}')"``) runs as script:
HTML escaping does not stop ``'+alert(3)+'`` inside a JavaScript string. Confirmation texts
travel in ``data-confirm`` attributes that ``static/app.js`` reads as text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import log_in, make_creator, make_member, make_org, make_user

from huntaze.accounts.permissions import Role
from huntaze.web.templating import TEMPLATE_DIR

PAYLOAD = "'+alert(3)+'\"><img src=x onerror=alert(4)><script>alert(5)</script>"
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style|\sstyle\s*=", re.IGNORECASE)


class _Attributes(HTMLParser):
    """Every tag with its attributes, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Attributes()
    parser.feed(html)
    return parser.tags


def test_no_template_has_inline_script_handlers_or_styles() -> None:
    offenders = []
    for path in sorted(TEMPLATE_DIR.rglob("*.html")):
        text = path.read_text()
        for name, pattern in (
            ("inline event handler", INLINE_HANDLER),
            ("inline script", INLINE_SCRIPT),
            ("inline style", INLINE_STYLE),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(TEMPLATE_DIR)}:{line}: {name}")
    assert offenders == []


def test_creator_name_reaches_the_delete_confirmation_only_as_text(
    client: TestClient, session: Session
) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner, name=PAYLOAD)
    log_in(client, session, owner)
    page = client.get(f"/creators/{creator.id}")
    assert page.status_code == 200
    tags = _tags(page.text)
    handlers = [(tag, key) for tag, attrs in tags for key in attrs if key.startswith("on")]
    assert handlers == []
    assert [tag for tag, attrs in tags if tag == "img" and attrs.get("src") == "x"] == []
    confirms = [attrs["data-confirm"] for _, attrs in tags if "data-confirm" in attrs]
    assert confirms == [f"Delete {PAYLOAD} and their accounts?"]


def test_member_email_reaches_the_remove_confirmation_only_as_text(
    client: TestClient, session: Session
) -> None:
    organization = make_org(session)
    owner = make_member(session, organization, Role.OWNER)
    manager = make_member(
        session, organization, Role.MANAGER, user=make_user(session, email="x'+alert(3)+'@ex.com")
    )
    log_in(client, session, owner)
    page = client.get("/team")
    assert page.status_code == 200
    tags = _tags(page.text)
    assert [(tag, key) for tag, attrs in tags for key in attrs if key.startswith("on")] == []
    confirms = [attrs["data-confirm"] for _, attrs in tags if "data-confirm" in attrs]
    assert confirms == [f"Remove {manager.user.email}?"]


def test_every_page_loads_the_confirmation_script(client: TestClient, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    log_in(client, session, owner)
    scripts = [attrs.get("src") for tag, attrs in _tags(client.get("/").text) if tag == "script"]
    assert "/static/app.js" in scripts
    assert client.get("/static/app.js").status_code == 200
