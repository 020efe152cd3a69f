"""One rule at the edge for every request: text never carries a NUL character (DESIGN.md §8,
"validate at the edge once").

PostgreSQL cannot store NUL in a text column, and no person types one; accepting it would let a
request pass validation and then fail in the database. So every query parameter and every JSON
or form body is refused with a 422 naming the field before any route runs. Uploaded files
(raw or multipart bodies) are bytes, not text, and are not read here.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from huntaze.core.errors import InvalidInputError, field_error

NUL = "\x00"
MESSAGE = "contains a NUL character, which no text may hold."


def _nul_fields(value: Any, path: str) -> list[str]:
    if isinstance(value, str):
        return [path or "body"] if NUL in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            found += [name] if NUL in str(key) else _nul_fields(item, name)
        return found
    if isinstance(value, list):
        return [name for i, item in enumerate(value) for name in _nul_fields(item, f"{path}.{i}")]
    return []


async def refuse_nul_characters(request: Request) -> None:
    """Refuse a request whose query or text body holds a NUL character (a 422 naming it)."""
    fields = [name for name, value in request.query_params.multi_items() if NUL in value + name]
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" and request.method not in ("GET", "HEAD", "OPTIONS"):
        raw = await request.body()
        if b"\\u0000" in raw or b"\x00" in raw:
            try:
                fields += _nul_fields(json.loads(raw), "")
            except ValueError:
                fields.append("body")
    elif content_type == "application/x-www-form-urlencoded":
        # The form, parsed once and cached on the request (the CSRF check may have read it).
        form = await request.form()
        fields += [
            name
            for name, value in form.multi_items()
            if isinstance(value, str) and NUL in name + value
        ]
    if fields:
        # A field name may itself hold the NUL: shown as the "symbol for null" instead.
        names = list(dict.fromkeys(name.replace(NUL, "\u2400") for name in fields))
        raise InvalidInputError(
            f"Please check: {', '.join(names)}.",
            errors=[field_error(name, MESSAGE) for name in names],
        )
