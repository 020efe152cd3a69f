"""Named detectors that rules refer to with ``detector: NAME`` (DESIGN.md §7).

Text detectors are regexes over the text form (folded, lower case, spelled-out numbers as
digits); they find structure that keyword lists cannot: phone numbers, e-mail addresses, links
and bare domains, crypto wallet addresses, cash tags, handles and stated ages. Context detectors
look only at the :class:`CheckContext` of an outbound send: per-fan daily caps, quiet hours,
opted-out fans and the minimum gap between two pay-per-view offers, with the limits a rule
carries (:mod:`huntaze.compliance.limits`) or, for a rule without them, those of the context.

Every regex here has bounded repetition so that its cost stays linear in the message length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from huntaze.compliance.limits import DailyCap, LimitParams, PpvGap, QuietWindow
from huntaze.compliance.models import CheckContext, QuietHours

_SEP = r"[\s().\-_*~]{0,3}"
_TLDS = (
    r"com|net|org|io|xyz|app|dev|info|biz|site|online|store|shop|club|vip|live|link|page|fans|"
    r"tv|gg|ly|cc|ru|uk|de|fr|nl|es|eu|ca|au"
)
_SLASH_TLDS = r"me|to|co|it|in|us|be|ai|am|fm|so|sh"
_SPOKEN_TLDS = r"com|net|org|io|me|xyz|tv|app|dev|info|ly|gg|link|fans|site|online|co\s?uk"
_DOT = r"(?:\s*(?:\(dot\)|\[dot\]|\{dot\})\s*|\s+dot\s+|\s\.\s?|\.\s)"
_MAIL_HOSTS = r"gmail|googlemail|yahoo|hotmail|outlook|icloud|protonmail|proton|aol|gmx|yandex"
_AGE = r"(1[0-7]|[5-9])"
_NOT_AN_AGE = (
    r"(?!\s*(?:min|mins|minutes?|hours?|hrs?|h\b|secs?|seconds?|days?|weeks?|wks?|months?|"
    r"miles?|mi\b|km|kms|feet|ft|foot|inch|inches|in\b|cm|lbs?|kg|%|/|:|'|\"|\.\d|,\d|pm|am|"
    r"o'?clock|k\b|x\b|times|th\b|st\b|nd\b|rd\b|ish|bucks|dollars|usd|\$|euros?|pounds?|"
    r"more|left|away|out of|steps|percent|people|guys|girls|of them|items|videos?|pics|photos))"
)
# Someone else's birthday ("my niece turned 5") is not the writer's age.
_THIRD_PARTY = "".join(
    f"(?<!{who} )"
    for who in (
        "just", "he", "she", "it", "they", "son", "daughter", "niece", "nephew", "kid", "kids",
        "baby", "brother", "sister", "cousin", "dog", "cat", "puppy", "boy", "girl",
    )
)  # fmt: skip

_PATTERNS: dict[str, str] = {
    # A match starts at the start of a number, never inside a price, time or date ("18.30").
    "phone_number": (
        rf"(?<![\d$€£])(?<!\d[.:/,])"
        rf"(?:(?:\+|00)\s?\d(?:{_SEP}\d){{7,14}}|\(?\d(?:{_SEP}\d){{9,14}})"
    ),
    "email_address": (
        r"[a-z0-9][a-z0-9._%+\-]{0,63}@[a-z0-9\-]{1,63}(?:\.[a-z0-9\-]{1,63}){0,4}\.[a-z]{2,24}"
        rf"|[a-z0-9][a-z0-9._%+\-]{{1,63}}\s*(?:\(at\)|\[at\]|\{{at\}}|\sat\s|@)\s*"
        rf"(?:{_MAIL_HOSTS})\b"
        rf"|[a-z0-9][a-z0-9._%+\-]{{1,63}}\s*(?:\(at\)|\[at\]|\{{at\}})\s*[a-z0-9\-]{{2,63}}"
    ),
    "external_link": (
        r"\bhttps?\s?:\s?//\s?[^\s]{1,200}"
        r"|\bwww\s?\.\s?[a-z0-9\-]{1,63}"
        rf"|\b[a-z0-9][a-z0-9\-]{{0,62}}(?:\.[a-z0-9\-]{{1,63}}){{0,3}}\.(?:{_TLDS})\b(?!\.[a-z])"
        rf"|\b[a-z0-9][a-z0-9\-]{{0,62}}\.(?:{_SLASH_TLDS})/\s?[a-z0-9_]"
        rf"|\b[a-z0-9][a-z0-9\-]{{1,62}}{_DOT}(?:{_SPOKEN_TLDS})\b"
    ),
    "crypto_wallet": (
        r"\b(?:0x[0-9a-f]{40}|bc1[a-z0-9]{25,62}"
        r"|(?=[a-z]{0,99}\d)(?=\d{0,99}[a-z])"
        r"(?:[13lmtr][a-z0-9]{24,34}|4[0-9ab][a-z0-9]{93}|[a-z0-9]{32,44}))\b"
    ),
    "cash_tag": r"(?<![\w$])\$(?!(?:usd|cad|aud|eur|gbp)\b)[a-z][a-z0-9_]{3,19}\b",
    "social_handle": r"(?<![\w.@])@[a-z0-9_](?:[a-z0-9_]|\.(?=[a-z0-9_])){2,29}\b",
    "stated_age": (
        rf"\b(?:i\s?'?\s?a?m)\s+(?:only\s+|just\s+|barely\s+|still\s+|literally\s+)?"
        rf"{_AGE}\b{_NOT_AN_AGE}"
        rf"|\b{_AGE}\s?(?:yo|y/o|y\.o\b|yrs?\s?old|years?\s?old|year-old)\b"
        rf"|\b{_THIRD_PARTY}(?:just\s+)?turn(?:ed|ing|s)?\s+{_AGE}\b{_NOT_AN_AGE}"
        rf"|\b(?:my\s+)?age\s?(?:is|:|=)\s?{_AGE}\b"
        r"|\b1[0-7]/?[fm]\b"
        r"|(?<!teach )(?<!teaches )(?<!teaching )(?<!taught )"
        r"\b(?:[6-9]|1[0-2])(?:th)\s?grade(?:r)?\b"
    ),
}

# A cheap regex per detector that every match of the detector also matches. Each starts with a
# literal or a small class, so the regex engine skips most positions; the full pattern runs only
# on candidates.
_TRIGGERS: dict[str, str] = {
    "phone_number": rf"\d(?:{_SEP}\d){{6}}",
    "email_address": rf"@|\(at\)|\[at\]|\{{at\}}|{_MAIL_HOSTS}",
    "external_link": (
        rf"http|www|\.\s?(?:{_TLDS}|{_SLASH_TLDS}|{_SPOKEN_TLDS})\b|dot\b|\(dot\)|\[dot\]"
        r"|\{dot\}"
    ),
    # a wallet is 25+ letters and digits with a digit in it: 12 of them sit on one side of it
    "crypto_wallet": r"0x|bc1|\d(?:[a-z0-9]{12}|(?<=[a-z0-9]{13}))",
    "cash_tag": r"\$[a-z]",
    "social_handle": r"@",
    "stated_age": r"1[0-7](?<!\d1[0-7])(?!\d)|[5-9](?<!\d[5-9])(?!\d)",
}


# Numbers that read like a phone number's digits but are something else: a match made only of
# these (times "18.30", prices "19.99", dates "12.05.2025", "2025-05-12", "12/05/25") is not a
# phone number. A phone number is never only these: "555.201.8834" has no two-digit decimals.
_NUMBER_TOKEN = (
    r"(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}|\d{1,5}\.\d{2})(?!\d)"
)
_REJECTS: dict[str, str] = {
    "phone_number": rf"(?:{_NUMBER_TOKEN}[\s()\-_*~]{{0,3}})+",
}


@dataclass(frozen=True, slots=True)
class TextDetector:
    """A detector over the text form: ``trigger`` is a cheap necessary condition of ``pattern``;
    a match that ``reject`` matches in full is not one (a time or price read as digits)."""

    name: str
    trigger: str
    pattern: str
    reject: str | None = None


TEXT_DETECTORS = {
    name: TextDetector(name, _TRIGGERS[name], pattern, _REJECTS.get(name))
    for name, pattern in _PATTERNS.items()
}


def _quiet_hours_detail(context: CheckContext, params: LimitParams | None) -> str | None:
    window = (
        QuietHours(params.start_time, params.end_time, context.fan_timezone or params.timezone)
        if isinstance(params, QuietWindow)
        else context.quiet_hours
    )
    if window is None or context.now is None:
        return None
    local = context.now.astimezone(ZoneInfo(window.timezone)).time()
    inside = (
        window.start <= local < window.end
        if window.start <= window.end
        else local >= window.start or local < window.end
    )
    if not inside:
        return None
    return (
        f"{local:%H:%M} in {window.timezone} is within quiet hours "
        f"{window.start:%H:%M}-{window.end:%H:%M}"
    )


def _daily_cap_detail(context: CheckContext, params: LimitParams | None) -> str | None:
    cap = params.max_per_day if isinstance(params, DailyCap) else context.daily_cap
    if cap is None or context.messages_sent_today < cap:
        return None
    return f"{context.messages_sent_today} messages already sent today; the cap is {cap}"


def _opted_out_detail(context: CheckContext, _params: LimitParams | None) -> str | None:
    return "the fan has opted out of messages" if context.fan_opted_out else None


def _ppv_gap_detail(context: CheckContext, params: LimitParams | None) -> str | None:
    gap = params.gap if isinstance(params, PpvGap) else context.min_ppv_gap
    last = context.last_ppv_at
    if not context.is_ppv or gap is None or last is None or context.now is None:
        return None
    elapsed = context.now - last
    if elapsed >= gap:
        return None
    return f"last PPV offer {_minutes(elapsed)} ago; the minimum gap is {_minutes(gap)}"


def _minutes(delta: dt.timedelta) -> str:
    return f"{int(delta.total_seconds() // 60)} min"


ContextDetector = Callable[[CheckContext, LimitParams | None], str | None]
CONTEXT_DETECTORS: dict[str, ContextDetector] = {
    "daily_cap": _daily_cap_detail,
    "quiet_hours": _quiet_hours_detail,
    "opted_out": _opted_out_detail,
    "ppv_gap": _ppv_gap_detail,
}

DETECTOR_NAMES = frozenset(TEXT_DETECTORS) | frozenset(CONTEXT_DETECTORS)
