"""Rows read from the simulator's pages → the plain schemas of ``platforms/base.py``.

DESIGN.md §3. Pages show times to the minute without a year; the year comes from the platform
clock on the same page (a date later than the clock belongs to the year before).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Literal

from huntaze.platforms.base import EarningEntry, PlatformFan, PlatformMessage
from huntaze.platforms.simulator_browser.skin import Skin

Row = dict[str, str]
_MONEY = re.compile(r"\$\s*([\d,]+(?:\.\d{1,2})?)")
_KINDS: dict[str, Literal["subscription", "tip", "ppv"]] = {
    "subscription": "subscription",
    "tip": "tip",
    "ppv": "ppv",
}


def money_cents(text: str) -> int | None:
    """The first dollar amount in ``text`` in cents (``$1,234.50`` → 123450)."""
    found = _MONEY.search(text)
    if found is None:
        return None
    dollars, _, cents = found.group(1).replace(",", "").partition(".")
    return int(dollars) * 100 + int((cents + "00")[:2])


def page_time(text: str, skin: Skin, now: dt.datetime) -> dt.datetime:
    """A list time (minute precision, no year) in UTC, placed in the year of ``now``."""
    # ICU's en-GB writes September as "Sept", which strptime does not know.
    shown = text.strip().replace("Sept", "Sep")
    parsed = dt.datetime.strptime(f"{now.year} {shown}", f"%Y {skin.time_format}")
    moment = parsed.replace(tzinfo=dt.UTC)
    if moment > now + dt.timedelta(days=1):
        moment = moment.replace(year=now.year - 1)
    return moment


def to_fan(row: Row, skin: Skin) -> PlatformFan:
    """A fan from a fans-list row."""
    since = dt.datetime.strptime(row["since"].strip(), skin.since_format).replace(tzinfo=dt.UTC)
    return PlatformFan(
        platform_fan_id=row["id"],
        username=row["username"].strip().lstrip("@"),
        display_name=row["name"].strip(),
        subscribed_at=since,
        is_active=row["status"].strip().lower() == "active",
        total_spent_cents=money_cents(row["spent"]) or 0,
    )


def to_message(row: Row, fan_id: str, skin: Skin, now: dt.datetime) -> PlatformMessage:
    """A chat message from a message row."""
    price = money_cents(row["price"]) if row["price"] else None
    return PlatformMessage(
        platform_message_id=row["id"],
        platform_fan_id=fan_id,
        direction="outbound" if skin.outbound_token in row["direction"].split() else "inbound",
        text=row["text"],
        sent_at=page_time(row["time"], skin, now),
        price_cents=price,
        purchased=bool(price) and skin.unpaid_marker not in row["price"],
    )


def to_entries(rows: list[Row], skin: Skin, now: dt.datetime) -> list[EarningEntry]:
    """Statement entries; rows without an id get one from what they show.

    Such a derived id counts identical rows from the oldest, so it stays the same while newer
    rows arrive above them.
    """
    entries: list[EarningEntry] = []
    seen: Counter[str] = Counter()
    for row in reversed(rows):
        kind = _kind(row["kind"], skin.kind_prefix)
        occurred = page_time(row["time"], skin, now)
        amount = money_cents(row["amount"]) or 0
        entry_id = row["id"]
        if not entry_id:
            shown = f"{kind}:{row.get('fan', '')}:{row['message']}:{occurred:%Y%m%d%H%M}:{amount}"
            seen[shown] += 1
            entry_id = f"{shown}:{seen[shown]}"
        entries.append(
            EarningEntry(
                platform_entry_id=entry_id,
                kind=kind,
                amount_cents=amount,
                occurred_at=occurred,
                platform_fan_id=row.get("fan") or None,
                platform_message_id=row["message"] or None,
            )
        )
    entries.reverse()
    return entries


def _kind(value: str, prefix: str) -> Literal["subscription", "tip", "ppv", "other"]:
    for token in value.split():
        if token.startswith(prefix) and token[len(prefix) :] in _KINDS:
            return _KINDS[token[len(prefix) :]]
    return "other"
