"""The text rules on lines built by hand: what starts a paragraph, a sub-heading, a list entry, a bilag mark.

A column from x=70 to x=470 with 10 pt text at a 14 pt line pitch: a full line is about 80 characters
(5 pt each), a paragraph gap puts the next line 28 pt further down.
"""

from __future__ import annotations

from parsing.appointments import sentences
from parsing.layout import Line
from parsing.text import Spacing, Vocabulary, attachment_titles, lines_to_text

SPACING = Spacing(pitch=14, left=70, right=470)
CHAR = 5.0


def line(
    top: float, text: str, *, x0: float = 70, bold: bool = False, page: int = 1, full: bool = False
) -> Line:
    """A line of `text` at `top`; `full` stretches it to the right edge (a wrapped line)."""
    x1 = 470.0 if full else x0 + CHAR * len(text)
    return Line(
        page=page, top=top, bottom=top + 10, x0=x0, x1=x1, text=text, size=10, bold=bold, italic=False
    )


def text_of(*lines: Line, vocabulary: Vocabulary | None = None) -> str | None:
    return lines_to_text(lines, SPACING, vocabulary or Vocabulary.of(lines))


def test_short_bold_line_is_a_sub_heading_even_without_space_below() -> None:
    assert (
        text_of(
            line(100, "Organisering", bold=True),
            line(114, "Den overordnede organisering er, at formandskabet udgør den politiske", full=True),
            line(128, "styregruppe."),
        )
        == "# Organisering\nDen overordnede organisering er, at formandskabet udgør den politiske "
        "styregruppe."
    )


def test_short_plain_line_with_space_above_and_a_paragraph_below_is_a_sub_heading() -> None:
    lines = [
        line(100, "Sagen blev drøftet på mødet."),
        line(128, "Tilsynet med almene boliger"),
        line(142, "KL indgik med økonomiaftalen for 2022 aftale med regeringen om at bakke op", full=True),
        line(156, "om samarbejdet."),
    ]
    assert text_of(*lines) == (
        "Sagen blev drøftet på mødet.\n# Tilsynet med almene boliger\n"
        "KL indgik med økonomiaftalen for 2022 aftale med regeringen om at bakke op om samarbejdet."
    )


def test_short_lines_without_a_paragraph_below_stay_plain_lines() -> None:
    assert (
        text_of(
            line(100, "Optakt til ny valgperiode"),
            line(128, "Status på arbejdet med vandteknologi"),
        )
        == "Optakt til ny valgperiode\nStatus på arbejdet med vandteknologi"
    )


def test_sentence_without_a_full_stop_is_not_a_sub_heading() -> None:
    lines = [
        line(100, "Det indstilles, at KKR tager orienteringen til efterretning,"),
        line(128, "Endvidere foreslås det, at kommunerne gennemfører en fælles kampagne for", full=True),
        line(142, "uddannelserne."),
    ]
    assert not (text_of(*lines) or "").startswith("# ")


def test_full_line_without_punctuation_above_a_new_sentence_is_a_sub_heading() -> None:
    """Layout cannot tell it from a wrap; the capitalised ordinary word below it can."""
    lines = [
        line(100, "Formålet med sundhedsklyngerne og behovet for en reform af sundhedsområdet", full=True),
        line(
            114, "Sundhedsvæsenet står over for en betydelig udfordring, som kræver en omstilling", full=True
        ),
        line(128, "af sundhedsvæsenet."),
    ]
    assert text_of(*lines) == (
        "# Formålet med sundhedsklyngerne og behovet for en reform af sundhedsområdet\n"
        "Sundhedsvæsenet står over for en betydelig udfordring, som kræver en omstilling af sundhedsvæsenet."
    )


def test_full_line_above_a_name_is_a_wrap() -> None:
    lines = [
        line(100, "Uddannelses- og Forskningsministeriet anmoder i begyndelsen af hvert år", full=True),
        line(114, "Region Midtjylland om en indstilling, som Region Midtjylland sender videre."),
    ]
    assert text_of(*lines) == (
        "Uddannelses- og Forskningsministeriet anmoder i begyndelsen af hvert år "
        "Region Midtjylland om en indstilling, som Region Midtjylland sender videre."
    )


def test_nested_bullets_take_their_level_from_indentation_and_drop_the_glyph() -> None:
    lines = [
        line(100, "Udvalget lægger vægt på:"),
        line(114, "• Erfaringer deles mellem kommunerne"),
        line(128, "▪ på tværs af grænser", x0=88),
        line(142, "▪ med erhvervslivet", x0=88),
        line(156, "– i hele regionen", x0=106),
        line(170, "• Indsatsen følges op"),
    ]
    assert text_of(*lines) == (
        "Udvalget lægger vægt på:\n- Erfaringer deles mellem kommunerne\n  - på tværs af grænser\n"
        "  - med erhvervslivet\n    - i hele regionen\n- Indsatsen følges op"
    )


def test_another_bullet_at_the_same_indentation_is_one_level_deeper() -> None:
    """Word's `o` under `-` when both sit at the margin, as in KL's 'Erhvervsfremme' list."""
    lines = [
        line(100, "- Skal bidrage til udviklingen af erhvervsområderne:"),
        line(114, "o fødevarer og bioressourcer"),
        line(128, "o energi- og miljøteknologi"),
        line(142, "- At kandidaterne har indsigt i styrkepositionerne"),
    ]
    assert text_of(*lines) == (
        "- Skal bidrage til udviklingen af erhvervsområderne:\n  - fødevarer og bioressourcer\n"
        "  - energi- og miljøteknologi\n- At kandidaterne har indsigt i styrkepositionerne"
    )


def test_numbered_entries_keep_their_number_after_the_dash() -> None:
    lines = [
        line(100, "Pejlemærkerne er:"),
        line(114, "1. Adgang til uddannelser i hele landet"),
        line(128, "2. Gode boliger til alle"),
    ]
    assert (
        text_of(*lines)
        == "Pejlemærkerne er:\n- 1. Adgang til uddannelser i hele landet\n- 2. Gode boliger til alle"
    )


def test_a_date_at_the_start_of_a_line_continues_the_sentence() -> None:
    lines = [
        line(100, "KKR Midtjylland holdt møde den 1. februar 2021. Referatet blev udsendt den", full=True),
        line(114, "5. februar 2021 og kan ses her."),
    ]
    assert text_of(*lines) == (
        "KKR Midtjylland holdt møde den 1. februar 2021. Referatet blev udsendt den "
        "5. februar 2021 og kan ses her."
    )


def test_a_dash_clause_continues_the_sentence_but_a_dash_list_does_not() -> None:
    clause = [
        line(100, "Spørgsmålene følger ministerens temaer og krav om indhold i rammeaftalen", full=True),
        line(114, "- herunder brugen af virksomhedsrettede tilbud."),
        line(128, "– De rette tilbud"),
        line(142, "– Bedre sammenhæng"),
    ]
    assert text_of(*clause) == (
        "Spørgsmålene følger ministerens temaer og krav om indhold i rammeaftalen - herunder brugen af "
        "virksomhedsrettede tilbud.\n- De rette tilbud\n- Bedre sammenhæng"
    )
    entries = [
        line(100, "Det indstilles"),
        line(114, "- at KKR drøfter samarbejdet på ungeområdet"),
        line(128, "- at KKR fortsætter samarbejdet"),
    ]
    assert (
        text_of(*entries)
        == "Det indstilles\n- at KKR drøfter samarbejdet på ungeområdet\n- at KKR fortsætter samarbejdet"
    )


def test_a_dash_under_a_numbered_entry_continues_it() -> None:
    lines = [
        line(100, "3. Genopretningen af økonomien skal skabe muligheder for virksomheder", full=True),
        line(114, "– også produktionserhvervene – i alle dele af landet"),
        line(128, "4. Arbejdsmarkedet skal være robust"),
    ]
    assert text_of(*lines) == (
        "- 3. Genopretningen af økonomien skal skabe muligheder for virksomheder "
        "– også produktionserhvervene – i alle dele af landet\n- 4. Arbejdsmarkedet skal være robust"
    )


def test_a_line_short_only_because_the_next_word_is_long_is_a_wrap() -> None:
    url = "https://sekretariatmidtjylland.viborg.dk/social/rammeaftaler-2021-22-og-2019-20/"
    lines = [
        line(100, "Link til den nuværende rammeaftale 2021-2022"),
        line(114, url),
        line(142, "Processen"),
    ]
    assert text_of(*lines) == f"Link til den nuværende rammeaftale 2021-2022 {url}\nProcessen"


def test_a_line_short_only_because_the_next_capitalised_word_is_long_is_a_wrap() -> None:
    lines = [
        line(100, "Forslaget er sendt i høring, og alle svarene går til"),
        line(114, "Sundhedskoordinationsudvalget, der samles i juni."),
    ]
    assert text_of(*lines) == (
        "Forslaget er sendt i høring, og alle svarene går til "
        "Sundhedskoordinationsudvalget, der samles i juni."
    )


def test_a_short_line_whose_next_word_had_room_ends_its_paragraph() -> None:
    assert (
        text_of(line(100, "Holstebro 172 172"), line(114, "Viborg 236 236"))
        == "Holstebro 172 172\nViborg 236 236"
    )


def test_a_sentence_goes_on_over_a_page_break_and_over_white_space() -> None:
    over_page = [
        line(700, "Der er møde i udvalget, og udvalget har mulighed for at forholde sig til", full=True),
        line(80, "aftalen og til de tiltag, kommunerne kan iværksætte.", page=2),
    ]
    assert text_of(*over_page) == (
        "Der er møde i udvalget, og udvalget har mulighed for at forholde sig til aftalen og til de tiltag, "
        "kommunerne kan iværksætte."
    )
    over_gap = [
        line(100, "Hertil kommer at eleverne, de har valgt, kan vælge"),
        line(142, "en SSH-uddannelse."),
    ]
    assert text_of(*over_gap) == "Hertil kommer at eleverne, de har valgt, kan vælge en SSH-uddannelse."


def test_bilag_mark_keeps_its_line_and_its_title_continues_at_line_pitch() -> None:
    lines = [
        line(100, "Sagen er drøftet i udvalget."),
        line(
            128, "./.. *Praktikpladsstatistikken for 2020 viser en stigning i antallet af indgå-", full=True
        ),
        line(142, "ede lærepladsaftaler.*"),
        line(170, "For driften betyder det øgede antal aftaler, at opgaven vil fylde."),
    ]
    title = "Praktikpladsstatistikken for 2020 viser en stigning i antallet af indgåede lærepladsaftaler."
    assert text_of(*lines) == (
        f"Sagen er drøftet i udvalget.\n./. {title}\n"
        "For driften betyder det øgede antal aftaler, at opgaven vil fylde."
    )
    assert attachment_titles(lines, SPACING) == [title]


def test_bilag_title_stops_at_white_space_and_at_the_next_mark() -> None:
    lines = [
        line(100, "./. Overleveringsnotat"),
        line(114, "./. Datanotat – Unge i Østjylland"),
        line(142, "Præsentation"),
    ]
    assert attachment_titles(lines, SPACING) == ["Overleveringsnotat", "Datanotat – Unge i Østjylland"]


def test_appointment_sentences_are_read_without_the_markup() -> None:
    text = "# Uddannelsesstyregruppen\n- Peter Hansen overtager pladsen.\n./. Bilag"
    assert list(sentences(text)) == ["Uddannelsesstyregruppen", "Peter Hansen overtager pladsen.", "Bilag"]
