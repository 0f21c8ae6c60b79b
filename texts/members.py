"""What members read about themselves: linking their account, their appointments, the proposals
administrators decide, /glemmig, and their subscriptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from storage import Appointment, AppointmentProposal, Subscription
from storage.linking import RedeemOutcome
from storage.subscriptions import KEYWORD_MAX_WORDS, Subscribed, SubscribeOutcome
from texts.callbacks import (
    forget_callback,
    invite_callback,
    past_appointments_callback,
    proposal_callback,
    unsubscribe_all_callback,
    unsubscribe_callback,
)
from texts.dates import danish_date, danish_time, short_date
from texts.html import bold, esc, italic, link
from texts.replies import Button

BOT_USERNAME_PLACEHOLDER = "BOTNAVN"  # in `kkrbot chat`, where no Telegram bot is known


def invite_usage() -> list[str]:
    return ["Skriv navnet på den, der skal have en kode, fx /inviter Anders Kühnau"]


def invite_unclear(reason: str) -> list[str]:
    return [f"Der er ikke lavet nogen kode: {esc(reason)}."]


def unknown_person(name: str, closest: Sequence[str]) -> list[str]:
    """/inviter with a name nobody in the register has: no code yet; maybe a typo, maybe someone new."""
    text = f"Ingen i registret hedder {bold(name)}, så der er ikke lavet nogen kode."
    if closest:
        text += " Mente du en af dem her?"
    return [text, f"Er {esc(name)} en ny person, så tryk på Opret."]


def unknown_person_buttons(name: str, closest: Sequence[str]) -> list[list[Button]]:
    rows = [[Button(known, data)] for known in closest if (data := invite_callback(known)) is not None]
    create = invite_callback(name, new=True)
    if create is not None:
        rows.append([Button(f"➕ Opret {name}"[:60], create)])
    return rows


def deep_link(bot_username: str | None, code: str) -> str:
    """The link that opens the bot and sends it `/start CODE`."""
    return f"https://t.me/{bot_username or BOT_USERNAME_PLACEHOLDER}?start={code}"


def invitation(person_name: str, code: str, url: str, expires: dt.date) -> list[str]:
    """The one time the administrator sees the code: the code, the link and how long it works."""
    return [
        f"Engangskode til {bold(person_name)}: <code>{esc(code)}</code>",
        f"Send linket til {esc(person_name)}: {link(url, url)}",
        f"Koden virker én gang og udløber {esc(danish_date(expires))}. Den kan også sendes som /start KODE.",
    ]


def linked(person_name: str) -> list[str]:
    return [f"Velkommen, {bold(person_name)}! Din Telegram-konto er nu knyttet til dig. Se /hjaelp."]


LINK_REFUSALS = {
    RedeemOutcome.INVALID: "Koden er ikke gyldig.",
    RedeemOutcome.EXPIRED: "Koden er udløbet.",
    RedeemOutcome.USED: "Koden er allerede brugt.",
}


def link_refused(outcome: RedeemOutcome) -> list[str]:
    reason = LINK_REFUSALS.get(outcome, LINK_REFUSALS[RedeemOutcome.INVALID])
    return [f"{esc(reason)} Bed en administrator om en ny kode."]


def link_locked(until: dt.datetime) -> list[str]:
    """`until` in local time."""
    return [f"Der er sendt for mange forkerte koder. Prøv igen efter kl. {esc(danish_time(until.time()))}."]


def link_needs_a_user() -> list[str]:
    return ["En kode kan kun bruges fra Telegram."]


# --- appointments (/mineudpegninger), proposals from documents (/forslag) and /glemmig ---


def not_linked() -> list[str]:
    """An unlinked user sees how to get linked, and nothing else."""
    return [
        "Din Telegram-konto er ikke knyttet til en person endnu, så jeg ved ikke, hvor du er udpeget.",
        "Bed sekretariatet (en administrator) om et link: de sender dig et link, som du åbner her i "
        "Telegram. Så er du koblet på, og /mineudpegninger viser dine udpegninger.",
    ]


def _period(appointment: Appointment, today: dt.date) -> str:
    start, end = appointment.start_date, appointment.end_date
    if end is not None and end < today:
        return f"{short_date(start)}–{short_date(end)}" if start else f"til {short_date(end)}"
    if start is not None and start > today:
        return f"fra {short_date(start)}"
    text = f"siden {short_date(start)}" if start else "løbende"
    return f"{text}, til {short_date(end)}" if end else text


def _source(appointment: Appointment) -> str:
    item = appointment.source_item
    if item is not None:
        meeting = item.meeting
        decision = f"{meeting.body.name} {short_date(meeting.date)}, punkt {item.number} {item.title}"
        # an agenda's indstilling until the minutes record the decision on the same item
        verb = "besluttet" if item.decision_document_id is not None else "indstillet"
        return f"{verb}: {esc(decision)} (/punkt {esc(item.number)} {short_date(meeting.date)})"
    return f"kilde: {esc(appointment.source)}" if appointment.source else ""


def appointment_paragraph(appointment: Appointment, today: dt.date) -> str:
    """One seat: organization, role, period, who appointed and the decision it came from."""
    lines = [f"{bold(appointment.organization.name)}: {esc(appointment.role)}, {_period(appointment, today)}"]
    if appointment.appointed_by:
        lines.append(f"udpeget af {esc(appointment.appointed_by)}")
    source = _source(appointment)
    if source:
        lines.append(source)
    return "\n".join(lines)


def my_appointments(name: str, current: Sequence[Appointment], past: int, today: dt.date) -> list[str]:
    heading = bold(f"Udpegninger for {name}")
    if not current:
        none = "Du har ingen aktuelle udpegninger i registret."
        return [heading, none + (" Se de tidligere med knappen." if past else "")]
    return [heading, *(appointment_paragraph(a, today) for a in current)]


def past_appointments(name: str, past: Sequence[Appointment], today: dt.date) -> list[str]:
    if not past:
        return [f"{esc(name)} har ingen tidligere udpegninger i registret."]
    return [bold(f"Tidligere udpegninger for {name}"), *(appointment_paragraph(a, today) for a in past)]


def past_buttons(count: int) -> list[list[Button]]:
    """The button under /mineudpegninger that shows the seats that ended, when there are any."""
    return [[Button(f"Tidligere udpegninger ({count})", past_appointments_callback())]] if count else []


def _proposed_change(proposal: AppointmentProposal) -> str:
    person = proposal.person_name + (f" ({proposal.party})" if proposal.party else "")
    role = f" som {proposal.role}" if proposal.role else ""
    if proposal.replaces_name:
        return (
            f"{bold(person)} overtager {esc(proposal.replaces_name)}s plads{esc(role)} i "
            f"{bold(proposal.organization_name)}"
        )
    return f"{bold(person)} udpeges{esc(role)} til {bold(proposal.organization_name)}"


def proposal(proposal: AppointmentProposal) -> list[str]:
    """A change read from a document, for an administrator to confirm or reject."""
    meeting = proposal.meeting
    item = proposal.item
    where = f"{meeting.body.name} {short_date(meeting.date)}, punkt {proposal.item_number}"
    if item is not None:
        where += f" {item.title}"
    return [
        f"{bold('Forslag til udpegning')}\n{esc(where)}",
        _proposed_change(proposal),
        f"Fra dokumentet: {italic(proposal.sentence)}",
    ]


def proposal_decided(proposal: AppointmentProposal, *, now: bool) -> list[str]:
    verdict = "godkendt og skrevet i registret" if proposal.state == "confirmed" else "afvist"
    prefix = "" if now else "Forslaget var allerede afgjort: "
    return [f"{prefix}{_proposed_change(proposal)}: {esc(verdict)}."]


def proposal_buttons(proposal_id: int) -> list[list[Button]]:
    """Godkend and Afvis under a proposal, in /forslag and in the notice sent to administrators."""
    return [
        [
            Button("✅ Godkend", proposal_callback(proposal_id, "ja")),
            Button("❌ Afvis", proposal_callback(proposal_id, "nej")),
        ]
    ]


def no_proposals() -> list[str]:
    return ["Der er ingen forslag til udpegninger, der venter på en afgørelse."]


def proposals_heading(count: int) -> list[str]:
    return [
        f"{count} forslag til udpegninger fra dagsordener og referater venter. Intet skrives i "
        "registret, før du trykker Godkend."
    ]


def forget_question() -> list[str]:
    return [
        "Skal jeg glemme dig? Jeg sletter koblingen til din person, dine abonnementer og de "
        "beskeder, der venter på at blive sendt til dig."
    ]


def forget_buttons() -> list[list[Button]]:
    return [[Button("Ja, glem mig", forget_callback("ja")), Button("Nej", forget_callback("nej"))]]


def forgotten(had_link: bool, subscriptions: int, notices: int) -> list[str]:
    what = [
        "koblingen til din person" if had_link else "",
        f"{subscriptions} abonnement{'er' if subscriptions != 1 else ''}",
        f"{notices} ventende besked{'er' if notices != 1 else ''}",
    ]
    deleted = ", ".join(w for w in what if w)
    return [f"Du er glemt. Slettet: {esc(deleted)}. Du kan altid starte forfra med /start."]


def not_forgotten() -> list[str]:
    return ["Godt, jeg har ikke slettet noget."]


# --- subscriptions (/abonner, /afmeld, /abonnementer) ---

BUTTON_LABEL_MAX_CHARS = 30


def subscription_label(subscription: Subscription) -> str:
    """What a subscription is called in lists and on buttons."""
    if subscription.kind == "all":
        return "alt nyt"
    if subscription.kind == "mine":
        return "punkter der vedrører dig"
    return subscription.value


def _quoted(subscription: Subscription, *, capitalized: bool = False) -> str:
    if subscription.kind in ("keyword", "body"):
        return bold(subscription_label(subscription))
    text = subscription_label(subscription)
    return esc(text[:1].upper() + text[1:] if capitalized else text)


def subscribed(result: Subscribed) -> list[str]:
    """The answer to /abonner: what the member now hears about, or why not."""
    value = bold(result.value)
    if result.outcome is SubscribeOutcome.NEEDS_LINK:
        return [
            "Din Telegram-konto er ikke knyttet til en person endnu, så jeg ved ikke, hvilke punkter "
            "der vedrører dig. Bed sekretariatet (en administrator) om et link, og åbn det her i Telegram; "
            "skriv så /abonner mine igen.",
            "Indtil da kan du fx skrive /abonner klima, eller /abonner for alt nyt.",
        ]
    if result.outcome is SubscribeOutcome.NO_WORDS:
        return ["Skriv et ord at abonnere på, fx /abonner klima, eller /abonner for alt nyt."]
    if result.outcome is SubscribeOutcome.TOO_LONG:
        return [f"Skriv højst {KEYWORD_MAX_WORDS} ord, fx /abonner sundhedsaftale."]
    if result.outcome is SubscribeOutcome.ALREADY:
        return ["Det abonnerer du allerede på. Se /abonnementer."]
    what = {
        "all": "alt nyt: nye dagsordener, referater og ændringer, og en påmindelse kl. 16 dagen før et møde.",
        "body": f"alt nyt fra {value}.",
        "mine": "punkter, der nævner dig eller en organisation, du er udpeget til.",
        "keyword": f"nye punkter om {value}.",
    }[result.kind or "all"]
    return [f"Du får nu besked om {what}", "Se dine abonnementer med /abonnementer, og stop med /afmeld."]


def subscription_list(
    subscriptions: Sequence[Subscription], removed: Sequence[Subscription] = ()
) -> list[str]:
    """/abonnementer: every subscription, after what was just removed."""
    paragraphs = [f"{_quoted(s, capitalized=True)} er fjernet." for s in removed]
    if not subscriptions:
        paragraphs.append("Du har ingen abonnementer. Skriv fx /abonner klima, /abonner mine eller /abonner.")
        return paragraphs
    lines = "\n".join(f"• {_quoted(s, capitalized=True)}" for s in subscriptions)
    paragraphs.append(f"{bold('Dine abonnementer')}\n{lines}")
    paragraphs.append("Tryk på en knap for at fjerne et abonnement.")
    return paragraphs


def subscription_buttons(subscriptions: Sequence[Subscription]) -> list[list[Button]]:
    """A "Fjern" button per subscription."""

    def short(text: str) -> str:
        return text if len(text) <= BUTTON_LABEL_MAX_CHARS else text[: BUTTON_LABEL_MAX_CHARS - 1] + "…"

    return [
        [Button(f"Fjern: {short(subscription_label(s))}", callback_data=unsubscribe_callback(s.id))]
        for s in subscriptions
    ]


def not_subscribed(words: str) -> list[str]:
    named = f"{bold(' '.join(words.split()))}. " if words.strip() else "noget. "
    return [f"Du abonnerer ikke på {named}Se /abonnementer."]


def nothing_left() -> list[str]:
    return ["Du abonnerer ikke længere på noget. Skriv /abonner for at starte igen."]


def unsubscribe_all_question(subscriptions: Sequence[Subscription]) -> list[str]:
    """A bare /afmeld: which subscriptions would stop, before anything does."""
    count = len(subscriptions)
    what = "dit abonnement" if count == 1 else f"alle dine {count} abonnementer"
    lines = "\n".join(f"• {_quoted(s, capitalized=True)}" for s in subscriptions)
    return [f"Skal jeg stoppe {what}?\n{lines}", "Vil du kun stoppe ét, så skriv fx /afmeld klima."]


def unsubscribe_all_buttons() -> list[list[Button]]:
    return [
        [
            Button("Ja, stop dem alle", unsubscribe_all_callback("ja")),
            Button("Nej", unsubscribe_all_callback("nej")),
        ]
    ]


def nothing_to_unsubscribe() -> list[str]:
    return ["Du har ingen abonnementer. Skriv fx /abonner klima, /abonner mine eller /abonner."]


def unsubscriptions_kept() -> list[str]:
    return ["Godt, dine abonnementer er som før. Se dem med /abonnementer."]
