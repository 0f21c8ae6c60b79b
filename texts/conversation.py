"""What the bot says to a member who writes in their own words: small talk, what it understood, and
the decision a question asked for."""

from __future__ import annotations

from collections.abc import Sequence

from storage import AgendaItem, Meeting
from texts import body
from texts.dates import danish_date, short_date
from texts.html import bold, esc
from texts.meetings import echo

EXAMPLES = (
    "«Hvornår er næste møde?», «Hvad står der i punkt 3.2?», «Hvem fremlægger punkt 4.1?», "
    "«Hvad blev besluttet om klimahandlingsplanen?» eller bare et emne, fx «sundhedsaftale»."
)


def greeting(name: str | None) -> list[str]:
    hello = f"Hej {esc(name.split()[0])}!" if name and name.split() else "Hej!"
    return [
        f"{hello} Spørg mig om møderne med dine egne ord, fx {esc(EXAMPLES)}",
        "Se /hjaelp for alle kommandoer, fx /naestemoede.",
    ]


def thanks() -> list[str]:
    return ["Selv tak! Skriv bare, når du vil vide mere, fx «hvornår er næste møde?» eller /naestemoede."]


def what_to_ask() -> list[str]:
    """A message with nothing to look for: what one can ask."""
    return [
        f"Spørg mig med dine egne ord, fx {esc(EXAMPLES)}",
        "Se /hjaelp for alle kommandoer, fx /naestemoede.",
    ]


def searched_for(words: str) -> list[str]:
    """Before the hits of a plain message that was searched."""
    return [f"Jeg har søgt efter {echo(words)}."]


def item_button(item: AgendaItem) -> str:
    """`3.2 (23.04.2021)`."""
    return f"{item.number} ({short_date(item.meeting.date)})"


def decision_found(words: str, item: AgendaItem, meeting: Meeting, others: Sequence[AgendaItem]) -> list[str]:
    """The decision of the item that best matches `words`, and a line for the next best."""
    title = " ".join(item.title.split())
    paragraphs = [
        f"Jeg har søgt efter beslutninger om {echo(words)}. Bedst passer:",
        f"{bold(f'{item.number} {title}')}\n{esc(f'{meeting.body.name}, {danish_date(meeting.date)}')}",
        f"{bold('Beslutning')}\n{body.html(item.decision or '')}",
    ]
    if others:
        lines = "\n".join(
            f"• {esc(o.number)} {esc(' '.join(o.title.split()))} ({esc(short_date(o.meeting.date))})"
            for o in others
        )
        paragraphs.append(f"{bold('Andre punkter med en beslutning')}\n{lines}")
    return paragraphs


def no_decision_found(words: str, has_hits: bool) -> list[str]:
    """No item with a decision matched; perhaps items without one did (agendas not yet decided)."""
    if has_hits:
        return [
            f"Jeg fandt punkter om {echo(words)}, men ingen beslutning i et referat endnu. "
            f"Se dem med /soeg {esc(' '.join(words.split()))}."
        ]
    return [f"Jeg fandt ingen beslutninger om {echo(words)}. Prøv et andet ord, eller se /beslutninger."]
