"""Reading what a member's own words ask for: the next meeting, one item, a decision, a search, or small talk.

Members do not write commands ("hvornår mødes vi?", "hvad indstilles der i punkt 3.4?"), so a plain
message is read into an `Intent` the handlers can dispatch on. Word lists and a few patterns do it:
no database, no network, no language model, so the same words always read the same way and a test
table can pin every rule. Words are compared case-folded with æ ø å also accepted as ae oe aa.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from core.bodies import body_named
from core.dates import MONTHS

Kind = Literal["next_meeting", "item", "decision", "search", "greeting", "thanks", "help"]
Focus = Literal["all", "recommendation", "presenter", "decision"]
# What each token of the text was read as; "word" is everything not yet given a meaning.
Role = Literal["greeting", "thanks", "number", "date", "council", "word"]


@dataclass(frozen=True)
class Intent:
    """What a message asks for, as the handlers need it to answer."""

    kind: Kind
    council: str | None = None  # a council named in the text, spelled as in `councils`
    number: str | None = None  # kind "item": "3.2", "5"
    focus: Focus = "all"  # which part of the item (or of the meeting's items) was asked about
    # "decision"/"search": the topic words as written; other kinds: the date phrase left ("den 23. marts")
    words: str = ""
    guessed: bool = False  # no question was recognised: the text is searched as written


def fold(word: str) -> str:
    """A word as it is compared: case, width and æ ø å typed as ae oe aa do not matter."""
    folded = unicodedata.normalize("NFKC", word).casefold()
    return folded.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(word) for word in text.split())


def _danish(pattern: str) -> str:
    """A regex that also accepts æ ø å typed as ae oe aa, as on a keyboard without them."""
    return pattern.replace("æ", "(?:æ|ae)").replace("ø", "(?:ø|oe)").replace("å", "(?:å|aa)")


# --- Word lists (written in Danish, compared folded) -------------------------------------------------

QUESTION_WORDS = _words("hvad hvem hvor hvornår hvordan hvilke hvilken hvilket hvorfor hvorledes mon")
# Asking or telling the bot to look something up, and the verbs of treating a matter.
REQUEST_WORDS = _words(
    "fortæl fortælle fortalt find finde fandt søg søge søgning vis vise viser giv give forklar forklare "
    "beskriv beskrive opsummer opsummere oplys oplyse sig sige siger sagde sagt ved vide vidste kender kende "
    "står stod stå handler handlede handle omhandler omhandlede drejer gælder angår nævnt nævnes nævner "
    "skrevet skriver skrives tjek tjekke kig kigge slå hent hente info information informationer "
    "oplysninger nyt nyheder status angående vedrørende vedr ang omkring noget nogen behandlet behandlede "
    "behandles drøftet drøftede drøftes drøfte drøftelse drøftelsen diskuteret diskuterede diskuteres "
    "diskussion diskussionen truffet traf træffe endte ender ende betyder betyde betød se ser går gik "
    "foregår leder søger mener"
)
# Words that carry no topic: pronouns, auxiliaries, prepositions, particles, acknowledgements, the bot.
FILLER_WORDS = _words(
    "jeg du vi i man mig dig os jer de dem han hun den det der denne dette disse min mit mine din dit dine "
    "vores jeres sin sit sine deres hans hendes alle alt andet anden andre en et er var været blev bliver "
    "blive bli har havde haft have kan kunne kunnet vil ville skal skulle må måtte bør burde gør gjorde "
    "gøre gjort får fik få fået sker skete ske om med på til for af fra efter under over hos mellem og "
    "eller at som så men hvis da når end ad ud ind op ned frem inden mod gerne lige egentlig please "
    "venligst ikke også nu nogensinde allerede bare blot mere meget lidt mest helt vel jo nok ja nej ok "
    "okay super fint fedt perfekt dejligt godt flot jamen nå bot botten kkrbot kkr punkt punktet punkter "
    "punkterne pkt sag sagen sager sagerne emne emnet emner spørgsmål spørgsmålet ting nummer nr"
)
MEETING_WORDS = _words(
    "møde mødet møder møderne mødes mødets mødedato mødedatoen mødedag mødedagen mødetidspunkt "
    "dagsorden dagsordenen dagsordener dagsordenerne dagsordner dagsordnerne dagsordenens "
    "tillægsdagsorden tillægsdagsordenen næste kommende førstkommende snart gang ses samles samlet "
    "holder holdes afholder afholdes dato datoen tidspunkt tidspunktet mødested mødestedet"
)
DECISION_WORDS = _words(
    "besluttet besluttede beslutte besluttes beslutter beslutning beslutningen beslutninger "
    "beslutningerne beslutningens vedtaget vedtog vedtage vedtages vedtager vedtagelse vedtagelsen "
    "godkendt godkendte godkende godkendes godkender godkendelse godkendelsen afgjort afgørelse "
    "afgørelsen aftalt aftalte konkluderet konkluderede konklusion konklusionen referat referatet "
    "referater referaterne resultat resultatet udfald udfaldet enedes"
)
RECOMMENDATION_WORDS = _words(
    "indstilling indstillingen indstillinger indstillingerne indstillingens indstilles indstillet "
    "indstiller indstille anbefaling anbefalingen anbefalinger anbefales anbefaler anbefalet foreslås "
    "foreslår foreslået forslag forslaget forslagene"
)
PRESENTER_WORDS = _words(
    "fremlægger fremlægges fremlægge fremlagt fremlæggelse fremlæggelsen præsenterer præsenteres "
    "præsentere præsentation oplæg oplægget oplægsholder oplægsholderen orienterer orienteres "
    "sagsbehandler sagsbehandleren ansvarlig ansvarlige kontaktperson kontaktpersonen"
)
FOCUS_WORDS = DECISION_WORDS | RECOMMENDATION_WORDS | PRESENTER_WORDS
# A question is recognised when one of these is in the text; without one the text is searched as written.
FRAME_WORDS = QUESTION_WORDS | REQUEST_WORDS | MEETING_WORDS | FOCUS_WORDS
NOT_TOPIC = FRAME_WORDS | FILLER_WORDS

GREETING_WORDS = _words(
    "hej hejsa hejhej hey hi hello hallo halløj goddag godmorgen godaften goddaw davs dav mojn morn "
    "godeftermiddag godformiddag velkommen"
)
THANKS_WORDS = _words("tak takker takke tusindtak thanks thx tnx")
THANKED_FOR_WORDS = 3  # "tak for et hurtigt svar": at most this many words after "for" end a thanks
SOCIAL_PHRASES = tuple(
    tuple(fold(word) for word in phrase.split())
    for phrase in (
        "hej med dig", "hej med jer", "hej igen", "god morgen", "god dag", "god aften", "god eftermiddag",
        "god formiddag", "hav en god dag", "rigtig mange tak", "mange tak", "tusind tak", "tak for hjælpen",
        "tak for det", "tak for svaret", "tak for svarene", "tak for info", "tak for i dag", "tak for nu",
        "tak skal du have", "på forhånd tak",
    )
)  # fmt: skip
# What may stand beside a greeting or a thanks in a message that is only small talk.
SOCIAL_FILLERS = _words(
    "ok okay super fint fedt perfekt dejligt godt flot jamen nå ja og igen så meget rigtig med dig jer du "
    "alle bot botten kkrbot"
)
# An acknowledgement alone ("ok", "super") closes a conversation as a thanks does.
ACKNOWLEDGEMENTS = _words("ok okay super fint fedt perfekt dejligt godt flot")
THANKS_EMOJI = frozenset("👍🙏❤♥💙💚😊🙂☺🥰👌🤝")
GREETING_EMOJI = frozenset("👋🙋")
# A message that only asks what the bot is or does; it must name the bot, its help or its use.
HELP_CORE = _words(
    "hjælp hjælpe help vejledning kommandoer kommando menu start du dig botten bot bruger bruge virker "
    "fungerer"
)
HELP_VOCABULARY = HELP_CORE | _words(
    "hvad hvordan hvem hvilke kan kunne jeg man mig er gør spørge skrive sige om med til det dette her vi "
    "os noget nogle ting egentlig lige så mon skal i overhovedet"
)

# --- Patterns ---------------------------------------------------------------------------------------

TOKEN_RE = re.compile(r"[^\W_]+(?:(?:[-'’]|(?<=[0-9])[.,:/](?=[0-9]))[^\W_]+)*")

_MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
_FULL_MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
_DAY_MONTH = rf"[0-9]{{1,2}}\.?\s*(?:{_MONTH_WORDS})\b\.?(?:\s*[0-9]{{4}}\b)?"  # "23. marts 2022"
_NUMERIC = r"[0-9]{1,2}[-./][0-9]{1,2}[-./](?:[0-9]{4}|[0-9]{2})\b"  # "23.3.2022", "23-03-22"
_ISO = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\b"
_SLASHED = r"[0-9]{1,2}/[0-9]{1,2}\b"  # "23/3": items are never written with a slash
_DAY_DOT_MONTH = r"[0-9]{1,2}\.[0-9]{1,2}\b\.?"  # "3.2" is a date only after "den"
_IN_MONTH = rf"(?:(?:i|fra|før|efter|inden)\s+)?(?:{_FULL_MONTHS})\b(?:\s+[0-9]{{4}}\b)?"  # "i april 2022"
_RELATIVE = (
    r"i\s+(?:dag|morgen|overmorgen|går|forgårs)\b"
    r"|(?:(?:i|på)\s+)?(?:denne|næste|sidste)\s+(?:uge|måned)\b"
    r"|(?:på\s+)?(?:næste\s+)?(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)\b"
    r"|(?:(?:på|fra|ved)\s+)?(?:det\s+)?(?:sidste|seneste|forrige|foregående)\s+møde(?:t)?\b"
    r"|kl(?:\.|okken)?\s*[0-9]{1,2}(?:[.:][0-9]{2})?\b"
)
_MEETING_LEAD = r"(?:(?:på|fra|til|ved|om)\s+)?(?:det\s+)?mødet?\s+"  # "på mødet i april"
DATE_RE = re.compile(
    _danish(
        rf"(?<!\w)(?:{_MEETING_LEAD})?(?:(?:den|d\.)\s*(?:{_DAY_MONTH}|{_NUMERIC}|{_ISO}|{_SLASHED}|{_DAY_DOT_MONTH})"
        rf"|{_DAY_MONTH}|{_NUMERIC}|{_ISO}|{_SLASHED}|{_IN_MONTH}|{_RELATIVE})"
    ),
    re.IGNORECASE,
)
# "punkt 3.2", "pkt. 3,2", "punkt 3 2", "punktet nr. 4"
ITEM_AFTER_WORD_RE = re.compile(
    _danish(r"(?<!\w)(?:punkt(?:et|erne|er)?|pkt)\.?\s*(?:(?:nr|nummer)\.?\s*)?")
    + r"(?P<main>[0-9]{1,2})(?:[.,](?P<sub>[0-9]{1,2})|\s+(?P<spaced>[0-9]{1,2}))?(?![0-9]|[.,][0-9])",
    re.IGNORECASE,
)
_UNITS = r"mio|mia|mill|millioner|million|milliarder|milliard|kr|kroner|procent|pct|%|timer|time|minutter|km"
# A lone "3.2" or "3,2", but not an amount ("3,2 mio. kr.") or a part of a longer number.
BARE_ITEM_RE = re.compile(
    rf"(?<![\w.,:/-])(?P<main>[0-9]{{1,2}})[.,](?P<sub>[0-9]{{1,2}})(?![0-9]|[.,:/-][0-9])(?!\s*(?:{_UNITS})(?!\w))",
    re.IGNORECASE,
)


# --- Reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    text: str
    key: str  # folded
    start: int
    end: int

    def within(self, span: tuple[int, int]) -> bool:
        return self.start < span[1] and self.end > span[0]


@dataclass(frozen=True)
class _Reading:
    """The text taken apart: each token's role, the item number, the council and the date phrases."""

    tokens: tuple[_Token, ...]
    roles: tuple[Role, ...]
    number: str | None
    council: str | None
    dates: tuple[tuple[int, str], ...]  # (where, phrase as written)
    emoji: frozenset[Role]

    def plain(self) -> list[_Token]:
        """The tokens read as nothing in particular: question words, fillers and the topic."""
        return [token for token, role in zip(self.tokens, self.roles, strict=True) if role == "word"]

    def has(self, role: Role) -> bool:
        return role in self.roles or role in self.emoji


def understand(text: str, councils: Sequence[str] = ()) -> Intent:
    """What `text` asks for; a council it names is read as one of `councils` (none without them)."""
    return _intent(_read(unicodedata.normalize("NFC", text), tuple(councils)))


def split_council(text: str, councils: Sequence[str]) -> tuple[str | None, str]:
    """A council named anywhere in a command's arguments ("3.2 nordjylland", "kd-net 23. marts") and
    the arguments without it; (None, text) when none of `councils` is named."""
    tokens = tuple(_Token(m[0], fold(m[0]), m.start(), m.end()) for m in TOKEN_RE.finditer(text))
    roles: list[Role] = ["word"] * len(tokens)
    council = _mark_council(tokens, roles, tuple(councils)) if councils else None
    if council is None:
        return None, text
    rest = text
    for token, role in reversed(list(zip(tokens, roles, strict=True))):
        if role == "council":
            rest = rest[: token.start] + rest[token.end :]
    return council, " ".join(rest.split())


def _read(text: str, councils: tuple[str, ...]) -> _Reading:
    """Each token's role, in an order that settles overlaps: small talk, items, dates, councils."""
    tokens = tuple(_Token(m[0], fold(m[0]), m.start(), m.end()) for m in TOKEN_RE.finditer(text))
    roles: list[Role] = ["word"] * len(tokens)
    _mark_social(tokens, roles)
    date_spans = [m.span() for m in DATE_RE.finditer(text)]
    number, number_spans = _item_number(_masked(text, date_spans))
    _mark(tokens, roles, number_spans, "number")
    dates = tuple(
        (span[0], _phrase(text[span[0] : span[1]]))
        for span in date_spans
        if _mark(tokens, roles, [span], "date")
    )
    council = _mark_council(tokens, roles, councils) if councils else None
    emoji: set[Role] = set()
    if any(char in THANKS_EMOJI for char in text):
        emoji.add("thanks")
    if any(char in GREETING_EMOJI for char in text):
        emoji.add("greeting")
    return _Reading(tokens, tuple(roles), number, council, dates, frozenset(emoji))


def _mark(tokens: Sequence[_Token], roles: list[Role], spans: Sequence[tuple[int, int]], role: Role) -> bool:
    """Give `role` to the still plain tokens in `spans`; False when another reading already took them."""
    inside = [i for i, token in enumerate(tokens) if any(token.within(span) for span in spans)]
    if not inside or any(roles[i] != "word" for i in inside):
        return False
    for i in inside:
        roles[i] = role
    return True


def _mark_social(tokens: Sequence[_Token], roles: list[Role]) -> None:
    """Greetings and thanks first, so "tak for i dag" is thanks and not a date."""
    keys = [token.key for token in tokens]
    for i in range(len(tokens)):
        for phrase in SOCIAL_PHRASES:
            end = i + len(phrase)
            if tuple(keys[i:end]) == phrase and all(role == "word" for role in roles[i:end]):
                roles[i:end] = ["thanks" if fold("tak") in phrase else "greeting"] * len(phrase)
    for i, key in enumerate(keys):
        if key.isdigit() and i + 1 < len(keys) and keys[i + 1] == "tak":  # "1000 tak"
            roles[i] = "thanks"
        if roles[i] == "word" and key in THANKS_WORDS:
            roles[i] = "thanks"
        elif roles[i] == "word" and key in GREETING_WORDS:
            roles[i] = "greeting"
    # "... tak for hjælpen / for et hurtigt svar" closing a message: what one thanks for is no topic
    for i in range(len(keys) - 1):
        rest = len(keys) - i - 1
        if roles[i] == "thanks" and keys[i + 1] == "for" and rest <= THANKED_FOR_WORDS + 1:
            roles[i + 1 :] = ["thanks"] * rest


def _masked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` with the dates blanked out, so "23.3.2022" or "den 3.2" is never read as an item number."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _item_number(text: str) -> tuple[str | None, list[tuple[int, int]]]:
    """The item asked about ("punkt 3.2" before a bare "3.2") and where every item number stands."""
    after_word = list(ITEM_AFTER_WORD_RE.finditer(text))
    bare = [
        m for m in BARE_ITEM_RE.finditer(text) if not any(_overlaps(m.span(), w.span()) for w in after_word)
    ]
    found = after_word or bare
    if not found:
        return None, []
    first = found[0]
    sub = first.groupdict().get("sub") or first.groupdict().get("spaced")
    number = str(int(first["main"])) + (f".{int(sub)}" if sub else "")
    return number, [m.span() for m in after_word + bare]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and a[1] > b[0]


def _phrase(written: str) -> str:
    return " ".join(written.split()).rstrip(".,;:!? ")


def _compact(text: str) -> str:
    return re.sub(r"[\W_]", "", fold(text))


@lru_cache(maxsize=16)
def _council_spellings(councils: tuple[str, ...]) -> dict[str, str]:
    """Every way a known council is written, compacted ("kdnet", "nordjylland", "nordjyllandskkr") -> name.

    A KKR is also named by its region alone or in the genitive ("Nordjylland", "nordjyllands KKR").
    """
    spellings: dict[str, str] = {}
    for name in councils:
        parts = [part for part in map(_compact, name.split()) if part]
        if not parts:
            continue
        forms = ["".join(parts)]
        if parts[0] == "kkr" and len(parts) > 1:
            region = "".join(parts[1:])
            forms += [region, region + "kkr", region + "skkr"]
        for form in forms:
            spellings.setdefault(form, name)
            spellings.setdefault(form + "s", name)
    return spellings


def _council_of(words: Sequence[_Token], councils: tuple[str, ...]) -> str | None:
    spellings = _council_spellings(councils)
    joined = "".join(_compact(token.text) for token in words)
    if joined in spellings:
        return spellings[joined]
    known = body_named(words[0].text) if len(words) == 1 else None  # "Kommunaldirektørnetværket"
    return spellings.get(_compact(known)) if known else None


def _lone_kkr(councils: tuple[str, ...]) -> str | None:
    """ "KKR" alone means the one KKR the bot knows; with several it names none of them."""
    kkrs = [name for name in councils if fold(name).split()[:1] == ["kkr"]]
    return kkrs[0] if len(kkrs) == 1 else None


def _mark_council(tokens: Sequence[_Token], roles: list[Role], councils: tuple[str, ...]) -> str | None:
    """The first council the text names; every naming of a council is taken out of the words."""
    first: str | None = None
    i = 0
    while i < len(tokens):
        n, name = _council_at(tokens, roles, i, councils)
        if n:
            roles[i : i + n] = ["council"] * n
            first = first or name
        i += max(n, 1)
    return first


def _council_at(
    tokens: Sequence[_Token], roles: list[Role], i: int, councils: tuple[str, ...]
) -> tuple[int, str | None]:
    """How many tokens from `i` name a council (longest first), and which; "KKR" alone may name none."""
    if i > 0 and tokens[i - 1].key == "region":  # Region Midtjylland is not KKR Midtjylland
        return 0, None
    for n in (3, 2, 1):
        words = tokens[i : i + n]
        if len(words) < n or any(role != "word" for role in roles[i : i + n]) or words[0].text.isdigit():
            continue
        if name := _council_of(words, councils):
            return n, name
    if roles[i] == "word" and tokens[i].key == "kkr":
        return 1, _lone_kkr(councils)
    return 0, None


# --- Deciding ---------------------------------------------------------------------------------------


def _intent(reading: _Reading) -> Intent:
    """Small talk and help only when nothing else is asked; then an item number, a decision, the meeting,
    and a search last: an item number or a topic is what a member most wants answered."""
    plain = reading.plain()
    keys = {token.key for token in plain}
    council = reading.council
    if reading.number is None and not reading.dates:
        social = _small_talk(reading, keys)
        if social is not None:
            return Intent(social, council)
        if keys and keys <= HELP_VOCABULARY and keys & HELP_CORE:
            return Intent("help")
    focus = _focus(keys, item=reading.number is not None)
    topic = [token for token in plain if token.key not in NOT_TOPIC]
    if reading.number is not None:
        return Intent("item", council, reading.number, focus, _joined(reading.dates, topic))
    if topic and keys & DECISION_WORDS:
        return Intent("decision", council, focus="decision", words=_joined((), topic))
    if not topic:
        if reading.dates or keys & (MEETING_WORDS | FOCUS_WORDS) or council:
            return Intent("next_meeting", council, focus=focus, words=_joined(reading.dates, []))
        return Intent("help")  # nothing to look for: "hvad?", "", "🤔"
    if keys & FRAME_WORDS or plain[0].key == "om":
        return Intent("search", council, focus=focus, words=_joined((), topic))
    return Intent("search", council, words=_joined(reading.dates, plain), guessed=True)


def _small_talk(reading: _Reading, keys: set[str]) -> Kind | None:
    """Thanks or greeting when the message is nothing else; "ok" or "super" alone is thanks too."""
    if not keys <= SOCIAL_FILLERS:
        return None
    if reading.has("thanks"):
        return "thanks"
    if reading.has("greeting"):
        return "greeting"
    return "thanks" if keys & ACKNOWLEDGEMENTS and not reading.has("council") else None


def _focus(keys: set[str], *, item: bool) -> Focus:
    """Which part was asked for; a presenter word wins, then a decision, then the recommendation."""
    if keys & PRESENTER_WORDS:
        return "presenter"
    if keys & DECISION_WORDS:
        return "decision"
    if keys & RECOMMENDATION_WORDS:
        return "recommendation"
    if item and fold("hvem") in keys:
        return "presenter"
    return "all"


def _joined(dates: Sequence[tuple[int, str]], tokens: Sequence[_Token]) -> str:
    """Date phrases and words in the order they were written."""
    pieces = sorted([*dates, *((token.start, token.text) for token in tokens)])
    return " ".join(piece for _, piece in pieces)
