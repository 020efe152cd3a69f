"""Generates ``corpus.jsonl``, the labelled corpus of the compliance engine's acceptance test.

Run ``.venv/bin/python tests/compliance/make_corpus.py`` to rewrite it. Violations are written
as templates around a core term; each evasion kind (spacing, dots, dashes, zero-width,
leetspeak, look-alikes, emoji letters, keycaps, spelled-out digits, repeated letters) is applied
to the core term with its own tables here, independent of the engine's. Benign messages are
written by hand in ``benign.txt``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261125

CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "y": "у", "x": "х", "i": "і"}
GREEK = {"a": "α", "o": "ο", "p": "ρ", "v": "ν", "t": "τ", "i": "ι", "k": "κ", "e": "ε"}
LEET = {"a": "4", "e": "3", "o": "0", "i": "1", "s": "$", "t": "7", "l": "1"}
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
NUMBER_WORDS = {14: "fourteen", 15: "fifteen", 16: "sixteen", 17: "seventeen"}


def _letters(term: str, fn: Callable[[str], str]) -> str:
    return "".join(fn(ch) if ch.isalpha() else ch for ch in term)


def _offset(base: int, letters_base: int) -> Callable[[str], str]:
    def shift(ch: str) -> str:
        if ch.isascii() and ch.isalpha():
            return chr(base + ord(ch.lower()) - ord("a"))
        if ch.isdigit() and letters_base:
            return chr(letters_base + int(ch))
        return ch

    return shift


def _join(separator: str) -> Callable[[str, random.Random], str]:
    return lambda term, _rng: separator.join(term)


def _leet(term: str, rng: random.Random) -> str:
    return "".join(LEET[ch] if ch in LEET and rng.random() < 0.7 else ch for ch in term)


def _lookalike(table: dict[str, str]) -> Callable[[str, random.Random], str]:
    return lambda term, _rng: "".join(table.get(ch, ch) for ch in term)


def _repeat(term: str, rng: random.Random) -> str:
    index = rng.choice([i for i, ch in enumerate(term) if ch in "aeiouy"] or [0])
    return term[:index] + term[index] * rng.randint(3, 5) + term[index + 1 :]


def _dash_middle(term: str, _rng: random.Random) -> str:
    middle = len(term) // 2
    return term[:middle] + "-" + term[middle:]


def _regional(term: str, _rng: random.Random) -> str:
    return "".join(chr(0x1F1E6 + ord(ch) - ord("a")) if ch.isalpha() else ch for ch in term)


def _circled(term: str, _rng: random.Random) -> str:
    return "".join(chr(0x24B6 + ord(ch) - ord("a")) if ch.isalpha() else ch for ch in term)


def _squared(term: str, _rng: random.Random) -> str:
    return "".join(chr(0x1F170 + ord(ch) - ord("a")) if ch.isalpha() else ch for ch in term)


def _mixed_case(term: str, rng: random.Random) -> str:
    return "".join(ch.upper() if rng.random() < 0.5 else ch for ch in term)


WORD_EVASIONS: dict[str, Callable[[str, random.Random], str]] = {
    "spaced": _join(" "),
    "dotted": _join("."),
    "dashed": _dash_middle,
    "hyphen_letters": _join("-"),
    "zero_width": _join("\u200b"),
    "leet": _leet,
    "cyrillic": _lookalike(CYRILLIC),
    "greek": _lookalike(GREEK),
    "fullwidth": lambda term, _rng: _letters(term, _offset(0xFF41, 0)),
    "math_bold": lambda term, _rng: _letters(term, _offset(0x1D41A, 0)),
    "math_script": lambda term, _rng: _letters(term, _offset(0x1D4EA, 0)),
    "regional_indicator": _regional,
    "circled": _circled,
    "squared": _squared,
    "repeated": _repeat,
    "mixed_case": _mixed_case,
}


def _keycaps(digits: str, _rng: random.Random) -> str:
    return "".join(d + "\ufe0f\u20e3" if d.isdigit() else d for d in digits)


def _spelled(digits: str, _rng: random.Random) -> str:
    return " ".join(DIGIT_WORDS[int(d)] for d in digits if d.isdigit())


def _half_spelled(digits: str, _rng: random.Random) -> str:
    only = [d for d in digits if d.isdigit()]
    return "".join(only[:3]) + " " + " ".join(DIGIT_WORDS[int(d)] for d in only[3:])


DIGIT_EVASIONS: dict[str, Callable[[str, random.Random], str]] = {
    "keycap": _keycaps,
    "spelled_digits": _spelled,
    "half_spelled_digits": _half_spelled,
    "spaced_digits": lambda d, _rng: " ".join(c for c in d if c.isdigit()),
    "dotted_digits": lambda d, _rng: ".".join(c for c in d if c.isdigit()),
    "fullwidth_digits": lambda d, _rng: "".join(
        chr(0xFF10 + int(c)) if c.isdigit() else c for c in d
    ),
    "math_digits": lambda d, _rng: "".join(chr(0x1D7CE + int(c)) if c.isdigit() else c for c in d),
    "circled_digits": lambda d, _rng: "".join(
        chr(0x2460 + int(c) - 1) if c in "123456789" else c for c in d
    ),
    "spelled_number": lambda d, _rng: NUMBER_WORDS[int(d)],
}
PHONE_EVASIONS = sorted(set(DIGIT_EVASIONS) - {"spelled_number"})
AGE_EVASIONS = ["keycap", "fullwidth_digits", "math_digits", "circled_digits", "spelled_number"]

# (category, template, core term) — the core term is what evasions rewrite.
WORD_VIOLATIONS: list[tuple[str, str, str]] = [
    ("off_platform_payment", "you can just send it to my {} instead babe", "paypal"),
    ("off_platform_payment", "do you have {}? it's easier for me", "venmo"),
    ("off_platform_payment", "{} me and i'll send the full set 😘", "cashapp"),
    ("off_platform_payment", "i take {} too if that works for you", "zelle"),
    ("off_platform_payment", "can you pay with {}? i'll give you a discount", "bitcoin"),
    ("off_platform_payment", "get me an amazon {} and i'll unlock everything", "gift card"),
    ("off_platform_payment", "we could skip the fees if you do a {}", "wire transfer"),
    ("off_platform_payment", "i prefer {} tbh, less hassle for both of us", "crypto"),
    ("off_platform_payment", "hit my {} and i'll send the vid right away", "cash app"),
    ("off_platform_payment", "you got {}? send it over and it's yours", "ethereum"),
    ("off_platform_payment", "tip me on {} so they don't take a cut", "paypal"),
    ("off_platform_payment", "{} works for me too hun", "apple pay"),
    ("off_platform_contact", "add me on {} so we can talk more", "snapchat"),
    ("off_platform_contact", "message me on {} babe, it's more private", "telegram"),
    ("off_platform_contact", "my {} is open for you anytime", "whatsapp"),
    ("off_platform_contact", "do you use {}? add me there", "kik"),
    ("off_platform_contact", "let's talk {} instead, this app is glitchy", "on signal"),
    ("off_platform_contact", "find me on {}, same name", "discord"),
    ("off_platform_contact", "{} me tonight? i'm bored", "facetime"),
    ("off_platform_contact", "what's your {}? i'll add you", "snap"),
    ("off_platform_contact", "we can chat on {} if you want, no limits there", "wickr"),
    ("in_person_meeting", "we should {} sometime 😉", "meet up"),
    ("in_person_meeting", "i'm in your city next week, let's {}", "meet in person"),
    ("in_person_meeting", "come to my {} tonight, i'll leave the door open", "hotel room"),
    ("in_person_meeting", "send me your {} and i'll come by", "address"),
    ("in_person_meeting", "want to {} this weekend?", "meet irl"),
    ("in_person_meeting", "i could {} this weekend if you want", "drive to you"),
    ("in_person_meeting", "can we {} for real? i'd pay extra", "meet up"),
    ("minor_safety", "i'm still {} tho, is that ok", "in high school"),
    ("minor_safety", "{} i'm on here lol", "my mom doesnt know"),
    ("minor_safety", "i'm {} but i look way older", "underage"),
    ("minor_safety", "i'm {} yet but soon!!", "not 18"),
    ("minor_safety", "don't tell anyone, {}", "my parents dont know"),
    ("prohibited_content", "do you do {} content?", "rape play"),
    ("prohibited_content", "i want a {} video, name your price", "bestiality"),
    ("prohibited_content", "any {} stuff in your vault?", "incest"),
    ("prohibited_content", "got any {} pics? i pay well", "jailbait"),
    ("prohibited_content", "i'm offering {} services in your area", "escort"),
    ("prohibited_content", "want some {} for the party?", "cocaine"),
    ("prohibited_content", "{} roleplay? i'd love that", "non consent"),
    ("prohibited_content", "can you make a {} custom for me", "scat"),
    ("prohibited_content", "i have {} videos of my neighbour, want them?", "hidden cam"),
]

DIGIT_VIOLATIONS: list[tuple[str, str, str]] = [
    ("off_platform_contact", "text me at {} when you're free", "555 201 8834"),
    ("off_platform_contact", "my number is {} call me later", "415 555 0199"),
    ("off_platform_contact", "whatsapp {} babe", "+44 7700 900123"),
    ("off_platform_contact", "call {} after 10", "212 555 7841"),
    ("minor_safety", "i'm {} lol is that a problem", "15"),
    ("minor_safety", "just so you know i'm {} years old", "16"),
    ("minor_safety", "i turned {} last month", "14"),
]

PLAIN_VIOLATIONS: list[tuple[str, str]] = [
    ("off_platform_payment", "send the money to 0x52908400098527886E0F7030069857D2E4169EE7"),
    ("off_platform_payment", "btc address: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    ("off_platform_payment", "just send it to $jessxoxo on the app"),
    ("off_platform_payment", "venmo @jess-xo-22 and screenshot it"),
    ("off_platform_payment", "i'll give you my bank details so you can pay directly"),
    ("off_platform_payment", "OF takes 20% so let's do this off the platform payment wise"),
    ("off_platform_payment", "can you pay me directly? i'll make it cheaper"),
    ("off_platform_payment", "do you accept steam cards?"),
    ("off_platform_payment", "send me a google play card code and i'll unlock it"),
    ("off_platform_payment", "I accept USDT on tron"),
    ("off_platform_contact", "email me at jessxo22@gmail.com for customs"),
    ("off_platform_contact", "my email is jess xo at gmail dot com"),
    ("off_platform_contact", "write to jess(at)protonmail(dot)com"),
    ("off_platform_contact", "check out my site jessxo.com for more"),
    ("off_platform_contact", "all my links are on mysite dot com"),
    ("off_platform_contact", "go to www.jessxo-vip.net for the uncensored stuff"),
    ("off_platform_contact", "join my channel t.me/jessxo_vip"),
    ("off_platform_contact", "here's my page https://bit.ly/3xYzAbc"),
    ("off_platform_contact", "my insta is jess.xo, follow me there"),
    ("off_platform_contact", "add my snap: jessxo22"),
    ("off_platform_contact", "dm me on ig babe"),
    ("off_platform_contact", "give me your number and i'll text you"),
    ("in_person_meeting", "what's your address? i'm coming over"),
    ("in_person_meeting", "we should grab drinks together irl"),
    ("in_person_meeting", "your place or mine tonight?"),
    ("in_person_meeting", "let's meet up at the hotel bar at 9"),
    ("in_person_meeting", "i want to see you in person so bad"),
    ("in_person_meeting", "where do you live? i'll come to you"),
    ("minor_safety", "i'm in 10th grade btw"),
    ("minor_safety", "16yo here, love your stuff"),
    ("minor_safety", "i'm a minor but i won't tell anyone"),
    ("minor_safety", "my mom took my phone so i couldn't reply"),
    ("minor_safety", "I'm fifteen but mature for my age"),
    ("minor_safety", "gotta go, school bus is here. after school tomorrow ok?"),
    ("prohibited_content", "do you have any loli content?"),
    ("prohibited_content", "I'm into zoophilia, can you do that?"),
    ("prohibited_content", "would you film it while she's asleep"),
    ("prohibited_content", "full service available, incall only"),
    ("prohibited_content", "i can get you heroin if you want"),
    ("prohibited_content", "do you have revenge porn of your ex?"),
]

REVIEW_MESSAGES: list[tuple[str, str]] = [
    ("legal_escalation", "I want a refund, the video was only 2 minutes"),
    ("legal_escalation", "I'm going to do a chargeback if you don't answer"),
    ("legal_escalation", "this is a scam, i paid and got nothing"),
    ("legal_escalation", "my lawyer will be in touch"),
    ("legal_escalation", "i'll dispute the charge with my bank"),
    ("legal_escalation", "I'm reporting you to the platform"),
    ("legal_escalation", "give me my money back now"),
    ("legal_escalation", "you ripped me off, that's fraud"),
    ("legal_escalation", "I'll sue you for this"),
    ("legal_escalation", "refund me or i go to the police"),
    ("legal_escalation", "r3fund pls, wrong video"),
    ("legal_escalation", "c h a r g e b a c k incoming"),
    ("opt_out", "stop messaging me"),
    ("opt_out", "please stop texting me"),
    ("opt_out", "unsubscribe"),
    ("opt_out", "leave me alone"),
    ("opt_out", "no more messages please"),
    ("opt_out", "don't message me again"),
    ("opt_out", "STOP"),
    ("opt_out", "remove me from your list"),
    ("opt_out", "s t o p spamming me"),
    ("opt_out", "opt me out of these"),
    ("opt_out", "stop sending me mass messages"),
    ("opt_out", "quit messaging me"),
]


def _record(text: str, verdict: str, category: str, evasion: str | None) -> dict[str, object]:
    return {"text": text, "verdict": verdict, "category": category, "evasion": evasion}


def build() -> list[dict[str, object]]:
    """The whole corpus, deterministic for a fixed seed."""
    rng = random.Random(SEED)
    records = []
    for category, template, term in WORD_VIOLATIONS:
        records.append(_record(template.format(term), "block", category, None))
        for name in rng.sample(sorted(WORD_EVASIONS), 7):
            evaded = WORD_EVASIONS[name](term, rng)
            records.append(_record(template.format(evaded), "block", category, name))
    for category, template, digits in DIGIT_VIOLATIONS:
        records.append(_record(template.format(digits), "block", category, None))
        kinds = PHONE_EVASIONS if category == "off_platform_contact" else AGE_EVASIONS
        for name in rng.sample(kinds, 4):
            evaded = DIGIT_EVASIONS[name](digits, rng)
            records.append(_record(template.format(evaded), "block", category, name))
    records.extend(_record(text, "block", category, None) for category, text in PLAIN_VIOLATIONS)
    records.extend(_record(text, "review", category, None) for category, text in REVIEW_MESSAGES)
    benign = (HERE / "benign.txt").read_text(encoding="utf-8").splitlines()
    records.extend(_record(line, "allow", "benign", None) for line in benign if line.strip())
    return records


def main() -> None:
    """Write the corpus next to this script."""
    lines = [json.dumps(record, ensure_ascii=False) for record in build()]
    (HERE / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
