"""Text that simulated fans (and seeded creator history) write, by category (DESIGN.md §3).

Categories carry intent and sentiment so that Huntaze's classifiers have something to work on:
greetings, compliments, purchase intent, haggling, complaints, off-platform asks, age hints,
abuse, goodbyes. ``fan_text`` fills a template's slots from a caller-supplied random stream.
"""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Alex",
    "Ben",
    "Chris",
    "Dan",
    "Eli",
    "Finn",
    "Gabe",
    "Hank",
    "Ivan",
    "Jake",
    "Kyle",
    "Liam",
    "Mason",
    "Nate",
    "Owen",
    "Pete",
    "Quinn",
    "Ray",
    "Sam",
    "Tom",
    "Umar",
    "Vic",
    "Will",
    "Xavi",
    "Yuri",
    "Zack",
    "Marco",
    "Luis",
    "Kenji",
    "Omar",
    "Jonas",
    "Mateo",
    "Noah",
    "Leo",
    "Theo",
    "Aaron",
    "Brandon",
    "Carlos",
    "Derek",
    "Ethan",
    "Felix",
    "Grant",
    "Hugo",
    "Isaac",
    "Jared",
)
HANDLES = (
    "wolf",
    "rider",
    "fan",
    "king",
    "ghost",
    "blaze",
    "storm",
    "ace",
    "viper",
    "bear",
    "hawk",
    "nomad",
    "pilot",
    "drift",
    "echo",
    "lucky",
    "sunny",
    "cosmo",
    "frost",
    "metro",
    "neon",
)
PET_NAMES = ("babe", "gorgeous", "beautiful", "queen", "angel", "sweetheart", "love")
THINGS = ("pics", "new set", "last post", "video", "outfit", "stream", "photos", "content")
AMOUNTS = ("5", "8", "10", "12", "15")

FAN_TEMPLATES: dict[str, tuple[str, ...]] = {
    "greeting": (
        "hey {pet} 👋",
        "hi there! how's your day going?",
        "good morning {pet} ☀️",
        "heyy just subscribed, hi!",
        "hello hello 😊",
        "what's up {pet}?",
        "yo! finally here",
        "hi, long time fan here",
        "evening {pet}, how are you?",
    ),
    "compliment": (
        "you look amazing in the {thing} 😍",
        "honestly your {thing} made my day",
        "wow {pet}, just wow",
        "you're the best creator on here",
        "that {thing} was 🔥🔥",
        "can't stop looking at your {thing}",
        "you have the nicest smile",
        "stunning as always",
    ),
    "purchase_intent": (
        "do you have anything new I can buy?",
        "how much for the full {thing}?",
        "send me something special, I'll unlock it",
        "I want the {thing}, what's the price?",
        "got any exclusive {thing}? money is not a problem",
        "can I get a custom video?",
        "I'd pay for more of that {thing}",
        "what's on your menu today?",
    ),
    "haggle": (
        "that's a bit much... would you do {amount}?",
        "can I get a discount? {amount} maybe?",
        "too expensive for me rn, {amount} and it's a deal",
        "any bundle price?",
        "I'll buy if it's {amount} instead",
        "hmm pricey, lower it a little?",
    ),
    "complaint": (
        "the last ppv was not worth it tbh",
        "you never reply to me",
        "I paid and got nothing new",
        "this is the same {thing} as last week",
        "feeling kinda ignored here",
        "why is everything so expensive now",
        "I want a refund for that last one",
    ),
    "off_platform": (
        "do you have cashapp?",
        "can I pay you on paypal instead?",
        "what's your snap?",
        "add me on telegram, easier to talk",
        "venmo me your price and I'll send it",
        "do you take crypto? I can send btc",
        "give me your number, let's text",
        "zelle works for me, what's your email?",
    ),
    "age_hint": (
        "I'm 16 but I look older lol",
        "my mom can't find out I'm on here",
        "after school I'll check your {thing}",
        "I'm in 10th grade haha",
        "just turned 17 🎂",
        "gotta hide this from my parents",
        "I used my sister's card to subscribe",
    ),
    "abuse": (
        "you're ugly without makeup",
        "answer me you stupid {pet}",
        "you're a scam, worthless",
        "nobody would pay for this trash",
        "I'll report you if you don't reply now",
        "shut up and send the {thing}",
        "you're nothing special",
    ),
    "goodbye": (
        "gonna unsubscribe, bye",
        "this is my last month here",
        "take care {pet}, see ya",
        "gotta go, talk later",
        "not renewing, sorry",
        "goodnight {pet} 😴",
        "bye for now",
    ),
    "small_talk": (
        "what are you doing today?",
        "what's your favourite movie?",
        "do you like dogs?",
        "I'm so bored at work",
        "where are you from?",
        "what music are you into?",
        "did you see the game last night?",
        "tell me something about you",
        "are you real?",
    ),
    "thanks_purchase": (
        "just unlocked it, worth every cent 😍",
        "wow thank you, that was amazing",
        "bought it! more like this please",
        "you never disappoint {pet}",
        "unlocked 🔥 loved it",
    ),
    "reply_positive": (
        "haha you're sweet",
        "aww thanks {pet}",
        "sounds good to me 😊",
        "yes please!",
        "I'd love that",
        "can't wait",
        "you always know what to say",
    ),
    "reply_negative": (
        "not interested",
        "meh",
        "no thanks",
        "maybe another time",
        "nah I'm good",
    ),
    "tip": (
        "sent you a little tip ❤️",
        "tip for being awesome",
        "here's something for the {thing}",
        "treat yourself {pet}",
    ),
}

CREATOR_TEMPLATES = (
    "hey {name}! thanks for subscribing 💕",
    "how's your week going {name}?",
    "I just posted something new, did you see it?",
    "missing our chats, {name}",
    "I have a little surprise for you 😘",
    "what would you like to see next?",
    "thank you so much for the support!",
    "good morning {name} ☀️",
)


def fan_text(rng: random.Random, category: str) -> str:
    """A message of ``category`` with its slots filled from ``rng``."""
    template = rng.choice(FAN_TEMPLATES[category])
    return template.format(
        pet=rng.choice(PET_NAMES), thing=rng.choice(THINGS), amount=f"${rng.choice(AMOUNTS)}"
    )


def creator_text(rng: random.Random, name: str) -> str:
    """A creator message for seeded history."""
    return rng.choice(CREATOR_TEMPLATES).format(name=name)


def fan_identity(rng: random.Random, fan_index: int) -> tuple[str, str]:
    """A (username, display name) pair for a new fan."""
    first = rng.choice(FIRST_NAMES)
    handle = rng.choice(HANDLES)
    return f"{first.lower()}_{handle}{fan_index}", f"{first} {handle.capitalize()}"
