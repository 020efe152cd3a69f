"""Browser-facing protections added to every response (DESIGN.md §8 "safe by construction").

A strict Content-Security-Policy without ``unsafe-inline``: pages load script and style only from
``/static`` (``app.js`` reads ``data-confirm`` and ``data-autosubmit``; htmx's indicator style is
in ``app.css``), so text a person typed can never run as script even if a template slipped.
Framing, MIME sniffing and referrers are closed too, and behind TLS (``Settings.uses_https``)
every cookie is marked ``Secure`` and browsers are told to stay on HTTPS.

The middleware covers every response the application sends, including errors raised inside it;
only the last-resort 500 page is sent from outside the middleware stack, so its handler adds the
same headers with :func:`security_headers`.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS_MAX_AGE_S = 365 * 24 * 3600


def security_headers(*, https: bool) -> dict[str, str]:
    """The headers every response carries."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if https:
        headers["Strict-Transport-Security"] = f"max-age={HSTS_MAX_AGE_S}"
    return headers


def _secure_cookie(value: bytes) -> bytes:
    attributes = {part.strip().lower() for part in value.split(b";")[1:]}
    return value if b"secure" in attributes else value + b"; Secure"


class SecurityHeadersMiddleware:
    """Adds :func:`security_headers` to each response and ``Secure`` to its cookies behind TLS."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https
        self.headers = security_headers(https=https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (name, _secure_cookie(value) if self.https and name == b"set-cookie" else value)
                    for name, value in message.get("headers", [])
                ]
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
