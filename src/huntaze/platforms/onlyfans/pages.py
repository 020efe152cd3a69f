"""Every selector and page address the OnlyFans connector uses, and the JSON endpoints whose
responses it reads (DESIGN.md §3 "The OnlyFans connector").

Written against the simulator's ``api2`` skin, which follows the public descriptions of the
site's web app; the live site's markup has not been checked (see ``docs/onlyfans.md``). When the
site changes, this file is the one to update.
"""

from __future__ import annotations

from huntaze.platforms.browser.login import LoginSelectors

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

# Pages of the web app.
CHATS_PAGE = "/my/chats"
CHAT_PAGE = "/my/chats/{fan_id}"
FANS_PAGE = "/my/fans"
STATEMENTS_PAGE = "/my/statements"
POSTS_PAGE = "/my/posts"
MASS_PAGE = "/my/mass"
APP_READY = "#app[data-ready='1']"

# JSON the web app fetches (matched on the URL path).
API_CHATS = "/api2/v2/chats"
API_MESSAGES = "/api2/v2/chats/{fan_id}/messages"
API_SUBSCRIBERS = "/api2/v2/subscriptions/subscribers"
API_TRANSACTIONS = "/api2/v2/payouts/transactions"
API_POSTS = "/api2/v2/posts"
API_MASS = "/api2/v2/messages/queue"
SUBSCRIBERS_PAGE_SIZE = 30

# Controls.
CHATS_MORE = ".b-chats__more"
MESSAGES_OLDER = ".b-chat__older"
FANS_TAB_ALL = ".b-tabs__item[data-type=all]"
FANS_MORE = ".b-users__more"
COMPOSER_TEXT = ".b-chat__text-field"
COMPOSER_PRICE = ".b-chat__price-input"
COMPOSER_VAULT = ".b-chat__btn-media"
COMPOSER_SEND = ".b-chat__btn-submit"
VAULT_PICK = ".b-vault-picker__check[value='{id}']"
POST_TEXT = ".b-make-post__text"
POST_SCHEDULE = ".b-make-post__schedule"
POST_SUBMIT = ".b-make-post__submit"
MASS_TEXT = ".b-mass__text"
MASS_PRICE = ".b-mass__price"
MASS_SUBMIT = ".b-mass__submit"
