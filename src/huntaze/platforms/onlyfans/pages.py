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

# Pages of the web app (routes from public clients, docs/onlyfans.md).
CHATS_PAGE = "/my/chats"
CHAT_PAGE = "/my/chats/chat/{fan_id}"
FANS_PAGE = "/my/collections/user-lists/subscribers/active"
STATEMENTS_PAGE = "/my/statements/earnings"
POSTS_PAGE = "/my/posts"
MASS_PAGE = "/my/chats/send"
VAULT_PAGE = "/my/vault"
LINKS_PAGE = "/my/links"
APP_READY = "#app[data-ready='1']"

# JSON the web app fetches (matched on the URL path and the query filters that matter).
API_ME = "/api2/v2/users/me"
API_CHATS = "/api2/v2/chats"
API_MESSAGES = "/api2/v2/chats/{fan_id}/messages"
API_SUBSCRIBERS = "/api2/v2/subscriptions/subscribers"
API_TRANSACTIONS = "/api2/v2/payouts/transactions"
API_EARNINGS_STATISTICS = "/api2/v2/earnings/statistics"
API_USER_POSTS = "/api2/v2/users/{user_id}/posts"
API_POSTS = "/api2/v2/posts"
API_MASS = "/api2/v2/messages/queue"
API_MASS_STATS = "/api2/v2/messages/queue/stats"
API_MASS_ONE = "/api2/v2/messages/queue/{mass_id}"
API_FAN_LISTS = "/api2/v2/lists"
API_VAULT_LISTS = "/api2/v2/vault/lists"
API_CAMPAIGNS = "/api2/v2/campaigns"
API_TRIALS = "/api2/v2/trials"

# The platform's price rule for messages: free, or 3 to 200 dollars with at least one media.
MIN_PRICE_CENTS = 300
MAX_PRICE_CENTS = 20_000
# At most this many "more" clicks per read, so a page that never ends cannot hold a worker.
MAX_PAGES = 200

# Controls.
CHATS_MORE = ".b-chats__more"
MESSAGES_OLDER = ".b-chat__older"
FANS_TAB_ALL = ".b-tabs__item[data-type=all]"
FANS_MORE = ".b-users__more"
STATEMENTS_MORE = ".b-payouts__more"
POSTS_MORE = ".b-feed__more"
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
MASS_LIST = ".b-mass__list"
MASS_LIST_PICK = ".b-mass__list[value='{id}']"
MASS_EXCLUDE_PICK = ".b-mass__exclude[value='{id}']"
MASS_SUBMIT = ".b-mass__submit"
MASS_UNSEND = ".b-mass-stats__unsend[data-id='{id}']"
