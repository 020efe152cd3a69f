"""Marking the parts of a message that rules matched, safely escaped for HTML."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from huntaze.compliance.models import Hit


def highlight_spans(text: str, hits: Sequence[Hit]) -> Markup:
    """``text`` with each hit's span wrapped in ``<mark>``; overlapping spans are merged."""
    spans = sorted(hit.span for hit in hits if hit.span is not None)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[str] = []
    cursor = 0
    for start, end in merged:
        parts.append(str(escape(text[cursor:start])))
        parts.append(f'<mark class="{_severity_at(hits, start)}">{escape(text[start:end])}</mark>')
        cursor = end
    parts.append(str(escape(text[cursor:])))
    return Markup("".join(parts))


def _severity_at(hits: Sequence[Hit], position: int) -> str:
    blocking = any(
        hit.span is not None
        and hit.span[0] <= position < hit.span[1]
        and hit.severity.value == "block"
        for hit in hits
    )
    return "block" if blocking else "review"
