"""Every selector of the simulator's ``classic`` skin (server-rendered, ``data-testid``).

DESIGN.md §3. Logic never names a selector; it reads them from :data:`SKIN`.
"""

from __future__ import annotations

from huntaze.platforms.browser.login import LoginSelectors
from huntaze.platforms.simulator_browser.skin import FormSelectors, ListSpec, Pager, Skin

LOGIN = LoginSelectors(
    form="[data-testid=login-form]",
    username="[data-testid=login-username]",
    password="[data-testid=login-password]",
    submit="[data-testid=login-submit]",
    error="[data-testid=login-error]",
    otp_code="[data-testid=otp-code]",
    otp_submit="[data-testid=otp-submit]",
    otp_error="[data-testid=otp-error]",
)

SKIN = Skin(
    name="classic",
    login=LOGIN,
    ready="[data-testid=sidebar]",
    clock="[data-testid=sim-clock]",
    clock_format="%a %b %d %Y, %H:%M UTC",
    time_format="%b %d, %H:%M",
    chats_path="/my/chats",
    chat_list=ListSpec(
        item="[data-testid=chat-item]",
        id_attr="data-fan-id",
        fields={"state": ":class", "time": ".meta small"},
    ),
    chats_pager=Pager("[data-testid=chats-more]", appends=False),
    unread_token="unread",
    chat_path="/my/chats/{fan_id}",
    messages=ListSpec(
        item="[data-testid=message]",
        id_attr="data-message-id",
        fields={
            "direction": "@data-from",
            "text": "[data-testid=message-text]",
            "price": "[data-testid=message-price]",
            "time": ":scope > small",
        },
    ),
    outbound_token="creator",
    unpaid_marker="not purchased",
    older_messages=None,
    composer=FormSelectors(
        text="[data-testid=composer-text]",
        price="[data-testid=composer-price]",
        submit="[data-testid=composer-send]",
        error="[data-testid=composer-error]",
        navigates=True,
        media_open="[data-testid=vault-picker] summary",
        media_pick="[data-testid=vault-pick-{id}]",
    ),
    fans_path="/my/fans?status=all&order=recent",
    fans_all_tab=None,
    fans_all_tab_loads=None,
    fans=ListSpec(
        item="[data-testid=fan-row]",
        id_attr="data-fan-id",
        fields={
            "name": "[data-testid=fan-name]",
            "username": "td:first-child small",
            "status": "[data-testid=fan-status]",
            "since": "[data-testid=fan-since]",
            "spent": "[data-testid=fan-spent]",
        },
    ),
    fans_pager=Pager("[data-testid=fans-next]", appends=False),
    since_format="%b %d, %Y",
    statements_path="/my/statements",
    transactions=ListSpec(
        item="[data-testid=transaction-row]",
        id_attr=None,
        fields={
            "kind": "@data-kind",
            "fan": "@data-fan-id",
            "message": "@data-message-id",
            "amount": "[data-testid=transaction-amount]",
            "time": "td:first-child",
        },
    ),
    kind_prefix="",
    posts_path="/my/posts",
    post_form=FormSelectors(
        text="[data-testid=post-text]",
        schedule="[data-testid=post-schedule]",
        submit="[data-testid=post-submit]",
        error="[data-testid=post-error]",
        navigates=True,
        media_open="[data-testid=post-form] details summary",
        media_pick="[data-testid=post-media-{id}]",
    ),
    posts=ListSpec(
        item="[data-testid=post]",
        id_attr="data-post-id",
        fields={"text": "[data-testid=post-caption]"},
    ),
    mass_path="/my/mass",
    mass_form=FormSelectors(
        text="[data-testid=mass-text]",
        price="[data-testid=mass-price]",
        submit="[data-testid=mass-submit]",
        error="[data-testid=mass-error]",
        navigates=True,
        done="[data-testid=mass-sent]",
    ),
)
