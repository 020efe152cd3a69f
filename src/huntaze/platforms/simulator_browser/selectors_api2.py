"""Every selector of the simulator's ``api2`` skin (a page that renders ``/api2/v2`` JSON).

DESIGN.md §3. Logic never names a selector; it reads them from :data:`SKIN`.
"""

from __future__ import annotations

from huntaze.platforms.simulator_browser.selectors_classic import LOGIN
from huntaze.platforms.simulator_browser.skin import FormSelectors, ListSpec, Pager, Skin

SKIN = Skin(
    name="api2",
    login=LOGIN,
    ready="#app[data-ready='1']",
    clock="#simClock",
    clock_format="%d %b %Y %H:%M",
    time_format="%d %b, %H:%M",
    chats_path="/my/chats",
    chat_list=ListSpec(
        item=".b-chats__item",
        id_attr="data-user-id",
        fields={"state": ":class", "time": ".b-chats__item__time"},
    ),
    chats_pager=Pager(".b-chats__more", appends=True),
    unread_token="m-unread",
    chat_path="/my/chats/chat/{fan_id}",
    messages=ListSpec(
        item=".b-chat__message",
        id_attr="data-id",
        fields={
            "direction": ":class",
            "text": ".b-chat__message__text",
            "price": ".b-chat__message__price",
            "time": ".b-chat__message__time",
        },
    ),
    outbound_token="m-from-me",
    unpaid_marker="PPV",  # the page shows no purchase; statements do
    older_messages=".b-chat__older",
    composer=FormSelectors(
        text=".b-chat__text-field",
        price=".b-chat__price-input",
        submit=".b-chat__btn-submit",
        error=".b-chat .b-make-post__error",
        navigates=False,
        media_open=".b-chat__btn-media",
        media_pick=".b-vault-picker__check[value='{id}']",
    ),
    fans_path="/my/collections/user-lists/subscribers/active",
    fans_all_tab=".b-tabs__item[data-type=all]",
    fans_all_tab_loads="**/api2/v2/subscriptions/subscribers?*type=all*",
    fans=ListSpec(
        item=".b-users__item",
        id_attr="data-user-id",
        fields={
            "name": ".b-username",
            "username": ".g-user-username",
            "status": ".b-users__item__status",
            "since": ".b-users__item__sub span:nth-child(2)",
            "spent": ".b-users__item__total",
        },
    ),
    fans_pager=Pager(".b-users__more", appends=True),
    since_format="since %Y-%m-%d",
    statements_path="/my/statements/earnings",
    transactions=ListSpec(
        item=".b-payouts__item",
        id_attr="data-id",
        fields={
            "kind": ":class",
            "message": "@data-message-id",
            "fan": "@data-user-id",
            "amount": ".b-payouts__item__amount",
            "time": ".b-payouts__item__date",
        },
    ),
    kind_prefix="m-",
    posts_path="/my/posts",
    post_form=FormSelectors(
        text=".b-make-post__text",
        schedule=".b-make-post__schedule",
        submit=".b-make-post__submit",
        error=".b-make-post__error",
        navigates=False,
        media_pick=".b-vault-picker__check[value='{id}']",
    ),
    posts=ListSpec(item=".b-post", id_attr="data-id", fields={"text": ".b-post__text"}),
    mass_path="/my/chats/send",
    mass_form=FormSelectors(
        text=".b-mass__text",
        price=".b-mass__price",
        submit=".b-mass__submit",
        error=".b-mass__result.b-error",
        navigates=False,
        done=".b-mass__result.m-ok",
    ),
)
