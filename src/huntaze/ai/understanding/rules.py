"""The rules tier of understanding: regex features over the normalized message (DESIGN.md §4).

Each pattern reads the *text form* of the message (compatibility folding, no accents, lower
case, spelled-out numbers as digits) or, for names that are disguised with leetspeak and
separators (apps, payment services), its *words form* (leetspeak undone, every other non-letter a
space), as the compliance rules do; the rules tier of compliance itself stays the stronger
guard against deliberate evasion. Rules find what is said plainly: a stated
age, a named app, a school grade, a threat. What is said around them is the semantic tier's
(:mod:`huntaze.ai.understanding.semantic`). Every pattern has bounded repetition.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_NUMBER_WORDS = {
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}  # fmt: skip
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "|": "l"})  # fmt: skip
_NON_LETTER = re.compile(r"[^a-z]+")


def fold(text: str) -> str:
    """Compatibility folding, lower case, accents and invisible characters removed."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Cf"))
    return kept.lower()


def text_form(folded: str) -> str:
    """Spelled-out numbers as digits ("sixteen" reads "16")."""
    return _NUMBER_WORD_RE.sub(lambda match: _NUMBER_WORDS[match.group(1)], folded)


def words_form(folded: str) -> str:
    """Leetspeak undone, every other non-letter a single space, padded with a space."""
    return " " + _NON_LETTER.sub(" ", folded.translate(_LEET)).strip() + " "


_MINOR_AGE = r"(?:1[0-7]|[5-9])"
_NOT_AGE_UNIT = (
    r"(?!\s?(?:min|h\b|hr|hour|sec|day|week|month|mile|km|ft|feet|inch|cm|kg|lb|%|/|:|\.\d|,\d"
    r"|pm|am|o'?clock|bucks|dollar|usd|\$|euro|pound|k\b|x\b|times|more|left|of\b|pics|photo"
    r"|vid|items|people|guys|girls|th\b|st\b|nd\b|rd\b))"
)
# Someone else's birthday ("my niece turned 5") is not the writer's age.
_THIRD_PARTY = "".join(
    f"(?<!{who} )"
    for who in (
        "he", "she", "it", "they", "son", "daughter", "niece", "nephew", "kid", "kids", "baby",
        "brother", "sister", "cousin", "dog", "cat", "puppy", "boy", "girl", "just",
    )
)  # fmt: skip

RISK_PATTERNS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "possible_minor": (
        (
            "states an age under 18",
            re.compile(
                rf"\b(?:i\s?'?\s?a?m|im|i'm|me)\s+(?:only\s+|just\s+|still\s+|barely\s+)?"
                rf"{_MINOR_AGE}\b{_NOT_AGE_UNIT}"
                rf"|\b{_MINOR_AGE}\s?(?:yo\b|y/o|y\.o|yrs?\s?old|years?\s?old|year-old|an?s\b|ans\b"
                rf"|anos\b|jahre\b|anni\b)"
                rf"|\b{_THIRD_PARTY}turn(?:ed|ing|s)?\s+{_MINOR_AGE}\b{_NOT_AGE_UNIT}"
                rf"|\bage\s?(?:is|:|=)?\s?{_MINOR_AGE}\b{_NOT_AGE_UNIT}"
                rf"|\b(?:tengo|j'ai|ich bin|ho|tenho)\s+{_MINOR_AGE}\b"
                r"|\b1[0-7]\s?[mf]\b"
            ),
        ),
        (
            "school years",
            re.compile(
                r"(?<!teach )(?<!teaches )(?<!taught )(?<!coach )\b(?:[5-9]|1[0-2])(?:th|st|nd|rd)?"
                r"\s?grade(?:r)?\b|\bi'?m in high\s?school\b|\bhigh\s?schooler\b"
                r"|\bmiddle\s?school\b|\bjunior\s?high\b|\bfreshman\s+in\s+hs\b|\bin\s+hs\b"
                r"|\b(?:sophomore|freshman)\s+(?:year\s+)?(?:at|in)\s+(?:high|hs)\b"
                r"|\bcoll[eè]ge\b.{0,20}\b(?:5e|4e|3e)\b|\blyc[eé]e\b|\bsecundaria\b"
            ),
        ),
        (
            "says not yet adult",
            re.compile(
                r"\b(?:not|n'?t|almost|nearly)\s+(?:18|eighteen|an adult|legal)\b|\bunder\s?age\b"
                r"|\bunder\s?18\b|\bminor\b|\bwhen i turn 18\b|\btill i'?m 18\b"
                r"|\bmy (?:mom|mum|mother|dad|parents?)\s+(?:won'?t|doesn'?t|don'?t|will)\s+"
                r"(?:let|find|see|check|take)\b|\bgrounded\b|\bpermission slip\b"
                r"|\bfake (?:id|birth)|\blied about my age\b|\bmenor de edad\b|\bmineur\b"
                r"|\bminderj[aä]hrig"
            ),
        ),
        (
            "role-play as a child",
            re.compile(
                r"\b(?:pretend|act|play|roleplay|role play|be)\b.{0,30}\b(?:little|young|tiny)\s+"
                r"(?:girl|boy|kid|one|schoolgirl)\b|\bschool\s?girl\b|\blittle girl\b"
                r"|\b(?:pretend|act|play|roleplay)\b.{0,30}\b(?:child|kid|preteen|underage|teen)\b"
                r"|\bloli\b|\bjailbait\b|\bbarely legal\b"
            ),
        ),
    ),
    "meeting": (
        (
            "asks to meet in person",
            re.compile(
                r"\bmeet\s?(?:up|irl|in person|face to face|for real)\b"
                r"|\bmeet (?:me|you) (?:at|in) "
                r"(?!(?:the |my |your |ur )?(?:dms?|chat|inbox|comments)\b)"
                r"|\bin person\b|\birl\b|\bface to face\b|\bcome over\b|\bcome to (?:my|your)\b"
                r"|\b(?:my|your) (?:place|apartment|flat|house|hotel room)\b|\bhotel\b"
                r"|\bpick you up\b|\bvisit you\b|\bwhere do you live\b|\byour address\b"
                r"|\bgrab (?:a )?(?:drink|coffee|dinner|lunch|bite)\b"
                r"|\btake you (?:out|to dinner)\b"
                r"|\bquedar\b|\bse voir\b|\brencontr|\btreffen\b|\bincontrar|\bkennenlernen\b"
                r"|\bboire un verre\b|\btomar algo\b|\ben persona\b|\bpersonlich\b"
            ),
        ),
    ),
    "off_platform": (
        (
            "names another app or payment service",
            re.compile(
                r" (?:snap\s?chat|snap|sc|telegram|tele|tg|whats\s?app|whatsapp|wa|kik|insta\s?gram"
                r"|insta|ig|discord|skype|wechat|facebook|fb"
                r"|pay\s?pal|pp|cash\s?app|venmo|zelle|revolut|crypto|bitcoin|btc|usdt|gift\s?card"
                r"|amazon card|apple pay|google pay|bank transfer|iban|western union|moneygram) "
            ),
        ),
        (
            "asks to go off the platform",
            re.compile(
                r"\b(?:outside|off|away from)\s+(?:of\s+)?(?:this|the|here|onlyfans|of)\s?"
                r"(?:app|site|platform|page)?\b|\belsewhere\b|\bsomewhere else\b|\bother app\b"
                r"|\bdifferent app\b|\b(?:your|my|ur) (?:number|digits|cell|email|e-mail|addy)\b"
                r"|\btext me\b|\bcall me (?:at|on)\b|\bwithout (?:the )?(?:fees?|onlyfans|of)\b"
                r"|\bpay (?:you )?directly\b|\bdirect(?:ly)? (?:payment|to you)\b"
                r"|\bfuera de (?:la|esta) app\b|\bhors de\b|\bau[sß]erhalb\b"
            ),
        ),
    ),
    "non_consent": (
        (
            "sex without consent",
            re.compile(
                r"\brap(?:e|ed|ing)\b|\bagainst (?:her|his|your|my|their) will\b"
                r"|\b(?:drug|drugged|roofie|passed out|unconscious|asleep|sleeping)\b"
                r".{0,40}\b(?:fuck|sex|touch|take|use)"
                r"|\b(?:force|forced|forcing)\s+(?:her|him|you|me|myself)\b"
                r"|\bno means yes\b|\b(?:she|he|you) (?:can'?t|won'?t be able to) say no\b"
                r"|\beven if (?:you|she|he) (?:say|says|said) no\b|\bnon.?con\b|\bcnc\b"
            ),
        ),
    ),
    "bestiality": (
        (
            "sex with animals",
            re.compile(
                r"\b(?:dog|dogs|horse|horses|animal|animals|pony|goat|pet|k9|canine)\b"
                r".{0,40}\b(?:fuck|sex|mount|knot|lick|suck|cum|breed)"
                r"|\b(?:fuck|sex|mount|knot|lick|breed)\w*\b.{0,30}\b(?:dog|horse|animal|pony|k9)\b"
                r"|\bzoo(?:phil\w*)?\b|\bbestial\w*\b|\bknotted\b"
            ),
        ),
    ),
    "incest": (
        (
            "sex within a family",
            re.compile(
                r"\b(?:step\s?)?(?:sis|sister|bro|brother|mom|mommy|mother|dad|daddy|father|son"
                r"|daughter|cousin|aunt|uncle|niece|nephew)\b.{0,40}\b(?:fuck|sex|naked|horny|"
                r"cum|suck|ride|sleep with|hook up|make out)"
                r"|\b(?:fuck|sex|horny for|cum|suck|ride|sleep with)\w*\b.{0,30}\b(?:my|your|own)"
                r"\s+(?:step\s?)?(?:sis|sister|bro|brother|mom|mother|dad|father|son|daughter"
                r"|cousin|aunt|uncle)\b|\bincest\w*\b|\bfamily (?:fun|taboo)\b"
            ),
        ),
    ),
    "violence": (
        (
            "threatens or wants to hurt someone",
            re.compile(
                r"\b(?:kill|murder|stab|shoot|strangle|beat up|hurt)\s+(?:you|her|him|u)\b"
                r"|\bi(?:'ll| will) find (?:you|her|u)\b|\bi know where you live\b"
                r"|\byou'?ll regret\b"
                r"|\bwatch your back\b|\bmake you bleed\b|\bchoke (?:you|her) (?:out|until)\b"
                r"|\bbreak your (?:neck|legs|face)\b"
            ),
        ),
    ),
    "self_harm": (
        (
            "speaks of hurting himself",
            re.compile(
                r"\bkill (?:my ?self|me)\b|\bkms\b|\bsuicid\w*\b|\bend (?:it all|my life)\b"
                r"|\bcut(?:ting)? myself\b|\bhurt(?:ing)? myself\b|\bwant to die\b"
                r"|\bdon'?t want to (?:live|be here|wake up)\b|\bno reason to live\b"
                r"|\bbetter off (?:dead|without me)\b|\boverdose\b|\bme (?:tuer|matar)\b"
            ),
        ),
    ),
    "chargeback_threat": (
        (
            "threatens a chargeback",
            re.compile(
                r"\bcharge\s?backs?\b|\bdispute\b|\b(?:call|tell|contact|report)\w*\s+(?:to\s+)?"
                r"(?:my|the)\s+(?:bank|card|visa|mastercard|credit card)\b"
                r"|\breverse (?:the|my) (?:charge|payment)\b|\bcancel (?:the|my) payment\b"
                r"|\bget my money back\b|\breport (?:you|this|your page)\b|\bfraud\b"
            ),
        ),
    ),
}


_FAMILY = (
    r"(?:step\s?)?(?:sis|sister|bro|brother|mom|mum|mother|dad|father|son|daughter"
    r"|cousin|aunt|uncle|niece|nephew|granddaughter|grandson|grandma|grandpa|soeur|hermana"
    r"|hermano|madre|padre|schwester|bruder|mutter|tochter)"
)
_SEXUAL = (
    r"(?:fuck|sex|naked|nude|horny|cum|suck|ride|sleep(?:ing)? with|hook(?:ing)? up|make out"
    r"|seduc\w*|strip\w*|touch\w*|naughty|dirty|kink\w*|fantas\w*|turn(?:s|ed)? me on"
    r"|thing for|crush on|in bed|coquin\w*|caliente|fool(?:ing)? around|did stuff|roleplay"
    r"|role play|scene|custom|video|vid|play)"
)
_ANIMAL = (
    r"(?:dog|dogs|doggo|pup|puppy|horse|horses|stallion|pony|donkey|goat|pig|cow|sheep|pet|pets"
    r"|animal|animals|livestock|k9|canine|husky|retriever|shepherd|cat|perro|chien|hund|caballo"
    r"|cheval|pferd|beast)"
)
_ANIMAL_SEX = (
    r"(?:fuck|sex|mount\w*|knot\w*|lick\w*|suck|cum|breed\w*|pleasur\w*|in bed|naked|nude"
    r"|freaky|join (?:in|us)|go at it|content|custom|vid|video|scene|play|with (?:a|an|ur|your)"
    r"|con un|mit einem|avec un)"
)
EXTRA_RISK_PATTERNS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "possible_minor": (
        (
            "school or home life of a minor",
            re.compile(
                r"\b(?:homeroom|recess|detention|curfew|allowance|pocket money|school nights?"
                r"|prom|sophm?ore|freshman|junior high|elementary school|summer camp"
                r"|(?:1st|2nd|3rd|[4-8]th) period|my (?:step)?(?:mom|mum|dad|parents) (?:checks?"
                r"|took|takes) my phone|bedtime|preteen|pre-teen|tween|zur schule|au coll[eè]ge"
                r"|en la secundaria)\b"
            ),
        ),
        (
            "age spelled out",
            re.compile(r"\b(?:fiveteen|fourten|fifteen|sixteen|seventeen|thirteen|fourteen)\b"),
        ),
    ),
    "incest": (
        (
            "family members in a sexual scene",
            re.compile(
                rf"\b{_FAMILY}\b.{{0,50}}\b{_SEXUAL}\b|\b{_SEXUAL}\b.{{0,50}}\b(?:my|your|ur|own"
                rf"|ma|mi|meine?|the)\s+{_FAMILY}\b|\b(?:play|be|act like|pretend|dress like"
                rf"|call me|calling me|joue|haz de)\s+(?:my|your|ur|as|ma|mi)?\s?"
                rf"(?:real |actual |own |big |little |twin )?{_FAMILY}\b"
                r"|\bfamily (?:secrets?|taboo|fun|roleplay)\b"
            ),
        ),
    ),
    "bestiality": (
        (
            "animals in a sexual scene",
            re.compile(
                rf"\b{_ANIMAL}\b.{{0,40}}\b{_ANIMAL_SEX}|\b{_ANIMAL_SEX}\b.{{0,30}}\b{_ANIMAL}\b"
            ),
        ),
    ),
    "violence": (
        (
            "threat words",
            re.compile(
                r"\b(?:make (?:u|you) suffer|slit|knife|acid|skull|punch\w* (?:u|you)|smash"
                r"|burn (?:ur|your)|end (?:u|you)\b|(?:ur|you'?re|you are) (?:just )?dead\b"
                r"|beaten|bloody|arrepentir|wehtun|umbringen|tuer)\b"
            ),
        ),
    ),
    "self_harm": (
        (
            "self-harm words",
            re.compile(
                r"\b(?:unalive|cutting|pills|jump(?:ing)? off|rope|never wake|be around"
                r"|final message|saying goodbye|stopped eating|wanna die|exist anymore"
                r"|en finir|viviendo|nicht mehr leben|the point anymore)\b"
            ),
        ),
    ),
    "chargeback_threat": (
        (
            "payment reversal words",
            re.compile(
                r"\b(?:contest (?:the|this|it|these|those|my|every|all)|reversal|reversed"
                r"|claw\w* (?:this|it) back|authori[sz]ed"
                r"|card (?:company|issuer)|a claim|a case"
                r"|(?:tell|call|calling|contact\w*) (?:the|my) bank"
                r"|amex|visa|mastercard"
                r"|opposition|mi banco|ma banque|meine bank|card stolen)\b"
            ),
        ),
    ),
    "non_consent": (
        (
            "no consent words",
            re.compile(
                r"\b(?:wasted|knocked out|spike\w*|a choice|against (?:ur|your|her) wishes"
                r"|too drunk|consent|saying no|says no|say no|not expecting it|drug (?:u|you|her)"
                r"|dormida)\b"
            ),
        ),
    ),
    "meeting": (
        (
            "plans to be together",
            re.compile(
                r"\b(?:zip code|drive out|fly (?:u|you) out|airport|in the flesh"
                r"|in your area|show up|(?:we should|let'?s) hang|for drinks|i'?ll drive)\b"
            ),
        ),
    ),
    "off_platform": (
        (
            "other places to talk or pay",
            re.compile(
                r"\b(?:snapp?|cashtag|own site|platform where|another platform|other account"
                r"|secondary account|gift code|take a cut|personal insta|same username)\b"
            ),
        ),
    ),
}
for _risk, _extra in EXTRA_RISK_PATTERNS.items():
    RISK_PATTERNS[_risk] = (*RISK_PATTERNS[_risk], *_extra)

INTENT_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "injection",
        "instructions to the assistant",
        re.compile(
            r"\bignore (?:all |your |the )?(?:previous|prior|above|earlier)?\s?"
            r"(?:instructions|prompt|rules)\b|\bsystem prompt\b|\byou are (?:now )?an? (?:ai|bot"
            r"|assistant|language model)\b|\bdisregard\b.{0,30}\binstructions\b|\bjailbreak\b"
            r"|\bdeveloper mode\b|\breveal your (?:prompt|instructions)\b"
        ),
    ),
    (
        "bot",
        "asks whether a person writes",
        re.compile(
            r"\bare (?:you|u) (?:a |an )?(?:bot|ai|robot|real|chatgpt|human|a real person)\b"
            r"|\bis this (?:a |an )?(?:bot|ai|really you|you)\b|\bchatter\b|\bautomated\b"
            r"|\bwho (?:actually )?(?:writes|answers) (?:these|this|your)\b"
        ),
    ),
    (
        "refund",
        "asks for money back",
        re.compile(r"\brefund\w*\b|\bmoney back\b|\breimburs\w*\b|\bremboursement\b|\breembolso\b"),
    ),
    (
        "churn",
        "says he is leaving",
        re.compile(
            r"\bunsub\w*\b|\bcancel(?:l?ing|led)? (?:my )?(?:sub|subscription)\b|\bnot renew\w*\b"
            r"|\bturn(?:ing|ed)? off (?:auto.?)?renew\w*\b|\bthis is my last month\b"
        ),
    ),
    (
        "haggle",
        "asks for a lower price",
        re.compile(
            r"\bdiscount\b|\bcheaper\b|\blower (?:the )?price\b|\bcan you do\b.{0,15}\d"
            r"|\bhow about \$?\d|\bfor \$?\d+\s?(?:instead|bucks)\b|\btoo (?:expensive|much)\b"
            r"|\b(?:a|any|better) deal\b|\bbest price\b|\bhalf price\b|\bknock\b.{0,15}\boff\b"
            r"|\bcoupon\b"
        ),
    ),
    (
        "custom_request",
        "asks for a custom",
        re.compile(
            r"\bcustom\w*\b|\bpersonali[sz]ed\b|\bjust for me\b|\bspecial request\b"
            r"|\bsay my name\b|\bmake (?:me )?a video\b|\bshout.?out\b"
        ),
    ),
    (
        "complaint",
        "complains",
        re.compile(
            r"\bscam\w*\b|\brip.?off\b|\bdisappoint\w*\b|\bnot worth\b|\bwaste of\b"
            r"|\bnever (?:got|received|answer\w*|repl\w*)\b|\bdidn'?t (?:get|receive|load|open)\b"
            r"|\bdoesn'?t (?:work|load|open|play)\b|\bbroken\b|\bignor(?:e|ed|ing) me\b"
            r"|\bblurry\b|\blied\b|\bfalse advertis\w*"
        ),
    ),
    (
        "purchase_interest",
        "wants to buy",
        re.compile(
            r"\bhow much\b|\bprice\b|\bbuy\b|\bunlock\w*\b|\bppv\b|\bbundle\b|\bsend (?:me )?"
            r"(?:the|that|it)\b|\bi'?ll take\b|\bi want (?:the|that|it)\b|\bcombien\b|\bcu[aá]nto\b"
            r"|\bwas kostet\b|\bquanto\b"
        ),
    ),
    (
        "greeting",
        "greets",
        re.compile(
            r"^\W*(?:hi|hey|hello|hiya|yo|heyy+|hola|salut|bonjour|hallo|ciao|ol[aá]|good "
            r"(?:morning|evening|night|afternoon)|gm|morning)\b[\s\w,!.]{0,24}$"
        ),
    ),
)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


POSITIVE_WORDS = _word_set(
    "love loved loving amazing awesome great gorgeous beautiful stunning thanks thank thx ty hot "
    "wow cute sexy perfect best favorite favourite incredible happy glad enjoyed enjoy fun nice "
    "sweet adorable pretty lovely fantastic obsessed wonderful merci gracias danke grazie "
    "obrigado belle hermosa bella linda"
)
NEGATIVE_WORDS = _word_set(
    "hate bad angry disappointed disappointing boring bored scam waste annoyed upset sad "
    "lonely depressed terrible awful worst cheated ripped broken sucks rude ignored useless "
    "miserable tired hurt crying cry alone stressed pissed mad furious fake lied refund "
    "chargeback triste decu enfado aburrido"
)
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True, slots=True)
class RuleFindings:
    """What the rules found in one message."""

    risks: dict[str, str]
    intents: tuple[tuple[str, str], ...]
    sentiment_score: int


def forms(text: str) -> tuple[str, str]:
    """The text form and the words form of ``text``."""
    folded = fold(text)
    return text_form(folded), words_form(folded)


def find(text: str) -> RuleFindings:
    """The risks (with a reason each), intents in order of precedence, and a sentiment score."""
    plain, spaced = forms(text)
    risks: dict[str, str] = {}
    for risk, patterns in RISK_PATTERNS.items():
        for reason, pattern in patterns:
            subject = spaced if pattern.pattern.startswith(" ") else plain
            match = pattern.search(subject)
            if match is not None:
                risks[risk] = f"rule: {reason} ({match.group().strip()[:40]!r})"
                break
    intents = tuple(
        (intent, f"rule: {reason} ({match.group().strip()[:40]!r})")
        for intent, reason, pattern in INTENT_PATTERNS
        if (match := pattern.search(plain.strip())) is not None
    )
    tokens = _WORD.findall(plain)
    score = sum(t in POSITIVE_WORDS for t in tokens) - sum(t in NEGATIVE_WORDS for t in tokens)
    return RuleFindings(risks=risks, intents=intents, sentiment_score=score)
