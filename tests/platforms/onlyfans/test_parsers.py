"""The OnlyFans parsers on JSON samples written from public clients' models (DESIGN.md §3).

Samples in ``samples/`` follow the shapes recorded in ``docs/onlyfans.md`` (with their sources),
including the odd cases: a 200 without ``list``, HTML text with entities, chargebacks (``undo``),
string transaction ids, statuses never seen before.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from huntaze.platforms.base import RejectedError, TransientError
from huntaze.platforms.onlyfans import parsers
from huntaze.platforms.onlyfans.connector import check_offer
from huntaze.platforms.onlyfans.text import comparable, plain_text, same_text

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> Any:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def test_message_direction_comes_from_fromuser_against_users_me() -> None:
    me = parsers.me_id(sample("users_me"))
    items, more = parsers.page(sample("chat_messages"), "chat messages")
    messages = [parsers.message(item, "98765432", me) for item in items]
    assert more is True
    assert [m.direction for m in messages] == ["outbound", "inbound", "outbound"]
    assert [m.platform_message_id for m in messages] == ["5129884401", "5129870010", "5129000001"]


def test_message_text_is_plain_and_isopened_is_not_a_purchase() -> None:
    items, _ = parsers.page(sample("chat_messages"), "chat messages")
    ppv = parsers.message(items[0], "98765432", "412345678")
    assert ppv.text == (
        "Unlock my new set & tell me what you think, it's only for you\nsee you soon"
    )
    assert ppv.price_cents == 1250 and ppv.media_ids == ["3301002", "3301003"]
    assert items[0]["isOpened"] is True and ppv.purchased is False
    fan = parsers.message(items[1], "98765432", "412345678")
    assert fan.text == "you're the best <3" and fan.price_cents is None
    assert parsers.message(items[2], "98765432", "412345678").sent_at == dt.datetime(
        2026, 11, 29, 10, tzinfo=dt.UTC
    )


def test_a_message_without_sender_is_a_transient_error() -> None:
    items, _ = parsers.page(sample("message_without_sender"), "chat messages")
    with pytest.raises(TransientError, match="fromUser"):
        parsers.message(items[0], "1", "2")


def test_subscribers_active_and_expired_with_net_spend() -> None:
    items, more = parsers.page(sample("subscribers"), "subscribers")
    active, expired = (parsers.fan(item) for item in items)
    assert more is True
    assert active.is_active and not expired.is_active
    assert active.platform_fan_id == "98765432" and active.total_spent_cents == 4798
    assert active.spend_is_net
    assert active.updated_at == dt.datetime(2026, 11, 2, 9, 8, tzinfo=dt.UTC)
    assert expired.expires_at == dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)


def test_a_page_without_list_or_hasmore_is_a_transient_error() -> None:
    with pytest.raises(TransientError, match="no list"):
        parsers.page(sample("subscribers_missing_list"), "subscribers")
    with pytest.raises(TransientError, match="no hasMore"):
        parsers.page({"list": []}, "subscribers")
    with pytest.raises(TransientError):
        parsers.page(["not", "an", "envelope"], "chats")


def test_transactions_kind_from_description_and_chargebacks_out_of_revenue() -> None:
    items, more = parsers.page(sample("transactions"), "transactions")
    entries = [parsers.earning(item) for item in items]
    assert more is True
    assert [e.platform_entry_id for e in entries] == [
        "a1b2c3d4e5",
        "0000b7c1",
        "0000b7c0",
        "0000a001",
        "0000a000",
    ]
    assert [(e.kind, e.renewal) for e in entries] == [
        ("ppv", False),
        ("tip", False),
        ("subscription", True),
        ("subscription", False),
        ("other", False),
    ]
    assert [e.status for e in entries] == [
        "done",
        "chargeback",
        "pending",
        "pending_return",
        "unknown",
    ]
    assert entries[0].amount_cents == 1250 and entries[0].net_cents == 1000
    assert entries[0].platform_fan_id == "98765432" and entries[0].platform_message_id is None
    assert entries[4].platform_fan_id is None
    revenue = sum(e.amount_cents for e in entries if e.counts_as_revenue)
    assert revenue == 1250 + 999


def test_mass_stats_posts_and_lists() -> None:
    stats = [parsers.mass_stats(i) for i in parsers.page(sample("mass_stats"), "mass")[0]]
    assert [(s.sent, s.viewed, s.purchased, s.unsent) for s in stats] == [
        (340, 122, 31, False),
        (351, 200, 0, True),
    ]
    assert stats[0].text == "New set in your DMs \N{FIRE}" and stats[0].price_cents == 1500
    post = parsers.page(sample("posts"), "posts")[0][0]
    assert same_text(post["text"], "Beach day & sunset")
    vault = parsers.vault_list(parsers.page(sample("vault_lists"), "vault")[0][0])
    assert (vault.platform_list_id, vault.name, vault.media_count) == ("5501", "Beach", 12)
    lists = [parsers.fan_list(i) for i in parsers.page(sample("fan_lists"), "lists")[0]]
    assert [(f.platform_list_id, f.fans_count) for f in lists] == [("fans", 351), ("9001", 12)]


@pytest.mark.parametrize(
    ("markup", "sent"),
    [
        ("<p>Hi &amp; welcome</p>", "Hi & welcome"),
        ("<p>line one</p><p>line two</p>", "line one\nline two"),
        ("<p>line one<br/>line two</p>", "line one\r\nline two"),
        ("<p>it&#039;s   &quot;yours&quot;&nbsp;</p>", 'it\'s "yours"'),
        ("<p>&lt;b&gt;not bold&lt;/b&gt;</p>", "<b>not bold</b>"),
    ],
)
def test_sent_text_is_recognised_however_the_platform_renders_it(markup: str, sent: str) -> None:
    assert same_text(markup, sent)


def test_different_text_is_not_recognised() -> None:
    assert not same_text("<p>Hi &amp; welcome</p>", "Hi and welcome")
    assert plain_text(None) == "" and comparable("  a \n b ") == "a b"


def test_a_priced_message_without_media_is_refused_before_sending() -> None:
    with pytest.raises(RejectedError, match="without media"):
        check_offer(999, [])
    with pytest.raises(RejectedError, match="between"):
        check_offer(250, ["1"])
    with pytest.raises(RejectedError, match="between"):
        check_offer(20_001, ["1"])
    check_offer(999, ["1"])
    check_offer(None, [])


def test_earnings_statistics_gross_and_net_by_kind() -> None:
    totals = {
        t.kind: (t.gross_cents, t.net_cents)
        for t in parsers.statistics(sample("earnings_statistics"))
    }
    assert totals == {
        "subscription": (999, 799),
        "tip": (2000, 1600),
        "message": (1250, 1000),
        "post": (0, 0),
        "all": (4249, 3399),
    }
    with pytest.raises(TransientError, match=r"list\.total"):
        parsers.statistics({"list": []})
