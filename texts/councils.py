"""/raad: which councils a member follows in the bot."""

from __future__ import annotations

from collections.abc import Sequence

from texts.html import bold, esc
from texts.meetings import echo
from texts.words import listed

ON, OFF = "✅", "▫️"


def overview(known: Sequence[str], chosen: Sequence[str], defaults: Sequence[str]) -> list[str]:
    """The councils the bot knows, and which the member sees."""
    if not known:
        return ["Jeg kender ingen råd endnu: der er ikke hentet mødemateriale."]
    lines = "\n".join(f"• {esc(name)}" for name in known)
    if chosen:
        seen = f"Du ser møder fra {esc(listed(chosen))}."
    elif defaults:
        seen = f"Du ser møder fra {esc(listed(defaults))}, ud fra dine udpegninger."
    else:
        seen = "Du ser møder fra alle råd."
    return [
        f"{bold('Råd')}\n{lines}",
        seen,
        "Tryk på et råd for at vælge det til eller fra, eller skriv fx /raad nordjylland. "
        "Et råd kan også nævnes i en kommando: /naestemoede kd-net.",
    ]


def toggle_label(name: str, on: bool) -> str:
    return f"{ON if on else OFF} {name}"


def toggled(name: str, on: bool) -> list[str]:
    return [f"Du ser nu møder fra {bold(name)}." if on else f"Du ser ikke længere møder fra {bold(name)}."]


def unknown_council(typed: str, known: Sequence[str]) -> list[str]:
    names = ", ".join(esc(name) for name in known) or "ingen endnu"
    return [f"Jeg kender ikke rådet {echo(typed)}. Rådene er: {names}. Skriv fx /raad nordjylland."]
