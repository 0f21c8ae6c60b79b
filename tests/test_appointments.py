"""Appointments from documents, /mineudpegninger, "vedrører dig", /forslag and /glemmig.

The register comes from tests/fixtures/register/udpegninger-2022.csv, the decisions from the fixture
PDFs: KKR's agenda of 23 March 2022 (4.3: Steen Stavnsbo hands his CDEU seat to Purnima Erichsen) and
KD-Net's minutes of 20 August 2021 (8: Peter Sinding Poulsen takes Lauge Clemmensen's seat).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import storage
from bot.ingest import Ingester
from bot.register import import_register
from core.kinds import DocumentKind
from delivery.proposal_notices import queue_proposal_notices
from fake_bot_api import FakeTelegram, RateLimits
from handlers.commands import answer, answer_callback
from handlers.context import HandlerContext, Sender
from parsing import ParsedDocument
from parsing.appointments import find_appointment_changes
from storage import Appointment, AppointmentProposal, Member, Notification, Person, Subscription
from storage.linking import create_link_code, redeem_link_code
from storage.proposals import pending_proposals
from storage.relevance import items_concerning
from tests.bot_process import running_bot
from tests.conftest import FIXTURES, run_kkrbot
from texts.html import plain_text
from texts.replies import Reply

REGISTER = FIXTURES / "register" / "udpegninger-2022.csv"
BEFORE_AGENDA = dt.date(2022, 3, 20)
ADMIN, STEEN, LAUGE, STRANGER, PURNIMA = 8001, 8002, 8003, 8004, 8005
LINK_RE = re.compile(r"\?start=([A-Za-z0-9_-]+)")


# --- reading the decisions ---


def test_the_fixtures_turns_of_phrase_are_read_as_changes() -> None:
    cdeu = find_appointment_changes(
        [
            "Det Konservative Folkeparti har meddelt, at Steen Stavnsbo (C) ønsker at overdrage pladsen i "
            "bestyrelsen for CDEU til Purnima Erichsen (C)."
        ]
    )
    assert [(c.person, c.party, c.replaces, c.organization) for c in cdeu] == [
        ("Purnima Erichsen", "C", "Steen Stavnsbo", "Bestyrelsen for CDEU")
    ]
    seat = find_appointment_changes(
        [
            "Det indstilles, at KD-Net godkender, at Peter Sinding Poulsen overtager Lauge Clemmensen plads "
            "som Silkeborgs repræsentant i Uddannelsesstyregruppen resten af indeværende valgperiode.",
            "der lægges op til at Peter Sinding Poulsen overtager Silkeborgs plads i Uddannelsesstyregruppen "
            "fra Lauge Clemmensen, og at han fortsætter.",
            "Peter Sinding Poulsen overtager Lauge Clemmensens plads i Uddannelsesstyregruppen.",
        ]
    )
    assert [(c.person, c.replaces, c.organization) for c in seat] == [
        ("Peter Sinding Poulsen", "Lauge Clemmensen", "Uddannelsesstyregruppen")
    ]  # three sentences, one change


def test_other_danish_forms_and_sentences_without_names() -> None:
    changes = find_appointment_changes(
        [
            "Anne Marie Hansen (A) indtræder i Praksisplanudvalget i stedet for Bo Jensen (A).",
            "KKR udpeger Jens Peter Hæsum (B) som observatør i Det Regionale Arbejdsmarkedsråd med virkning "
            "fra 1. maj.",
            "Det indstilles, at KKR udpeger to politiske repræsentanter til det politiske udvalg.",
            "KKR Midtjylland skal udpege et medlem til bestyrelsen for FGU Danmark.",
        ]
    )
    assert [(c.person, c.replaces, c.organization, c.role) for c in changes] == [
        ("Anne Marie Hansen", "Bo Jensen", "Praksisplanudvalget", None),
        ("Jens Peter Hæsum", None, "Det Regionale Arbejdsmarkedsråd", "observatør"),
    ]


# the fixed phrases' words mixed with names, brackets and punctuation, or any text at all
PHRASE_WORDS = "Bo Ib Åse Ørum (A) (C) overtager overdrage ønsker at pladsen plads i til fra for som udpeges"
SENTENCES = st.lists(
    st.sampled_from([*PHRASE_WORDS.split(), ".", ",", "\n", "KKR", "bestyrelsen"]), max_size=60
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(SENTENCES | st.text(max_size=300), max_size=4))
def test_any_text_gives_only_named_changes_and_never_fails(texts: list[str]) -> None:
    for change in find_appointment_changes(texts):
        assert len(change.person.split()) >= 2 and change.organization
        assert change.replaces is None or len(change.replaces.split()) >= 2


# --- proposals in storage ---


@pytest.fixture
def filled(
    database: storage.Database, parsed_pdfs: dict[str, tuple[ParsedDocument, str]]
) -> storage.Database:
    """The fixture PDFs (parsed once per run) and the 2022 register."""
    with database.session() as session:
        for parsed, digest in parsed_pdfs.values():
            storage.store_document(session, parsed, sha256=digest)
        import_register(session, REGISTER.read_bytes(), source=REGISTER.name)
    return database


def proposals(db: storage.Database) -> list[tuple[str, str | None, str, str]]:
    with db.session() as session:
        rows = session.scalars(select(AppointmentProposal).order_by(AppointmentProposal.id))
        return [(p.person_name, p.replaces_name, p.organization_name, p.state) for p in rows]


def seats(db: storage.Database, organization: str) -> list[tuple[str, str, dt.date | None, dt.date | None]]:
    with db.session() as session:
        rows = session.scalars(select(Appointment).order_by(Appointment.id))
        return [
            (a.person.name, a.role, a.start_date, a.end_date)
            for a in rows
            if a.organization.name == organization
        ]


def test_ingestion_proposes_and_changes_nothing_until_confirmed(filled: storage.Database) -> None:
    assert sorted(proposals(filled)) == [
        ("Peter Sinding Poulsen", "Lauge Clemmensen", "Uddannelsesstyregruppen", "pending"),
        ("Purnima Erichsen", "Steen Stavnsbo", "Bestyrelsen for CDEU", "pending"),
    ]
    assert [s[0] for s in seats(filled, "Bestyrelsen for CDEU")] == ["Steen Stavnsbo", "Lise Ærenlund"]
    reports = list(Ingester(filled).source(str(FIXTURES / "pdf" / "kdnet-referat-2021-08-20.pdf")))
    assert [r.text.split(":")[0] for r in reports] == ["uændret"]  # the same file again
    assert len(proposals(filled)) == 2


def context(db: storage.Database, today: dt.date = BEFORE_AGENDA) -> HandlerContext:
    return HandlerContext(db=db, today=lambda: today, admins=frozenset({ADMIN}), bot_username="kkr_test_bot")


def sender(user_id: int) -> Sender:
    return Sender(user_id=user_id, chat_id=user_id, name="Test")


def said(replies: list[Reply]) -> str:
    return "\n".join(plain_text(reply.html) for reply in replies)


def button_data(replies: list[Reply], label: str) -> str:
    data = [b.callback_data for r in replies for row in r.buttons for b in row if label in b.label]
    assert data and data[0] is not None, [b.label for r in replies for row in r.buttons for b in row]
    return data[0]


def test_admin_confirms_a_proposal_with_a_tap(filled: storage.Database) -> None:
    ctx = context(filled)
    assert said(answer(ctx, "/forslag", sender(STRANGER))) == "Kun for administratorer"
    listed = answer(ctx, "/forslag", sender(ADMIN))
    text = said(listed)
    assert "2 forslag" in text and "Purnima Erichsen (C) overtager Steen Stavnsbos plads" in text
    confirm = next(button_data([r], "Godkend") for r in listed if "Purnima" in r.html and r.buttons)
    assert said(answer_callback(ctx, confirm, sender(STRANGER))) == "Kun for administratorer"
    assert proposals(filled)[1][3] == "pending"
    done = answer_callback(ctx, confirm, sender(ADMIN))
    assert done[0].edit and "godkendt" in said(done)
    assert ("Purnima Erichsen", "medlem", dt.date(2022, 3, 23), None) in seats(filled, "Bestyrelsen for CDEU")
    assert ("Steen Stavnsbo", "medlem", dt.date(2022, 1, 1), dt.date(2022, 3, 22)) in seats(
        filled, "Bestyrelsen for CDEU"
    )
    again = said(answer_callback(ctx, confirm, sender(ADMIN)))
    assert "allerede afgjort" in again
    assert len(seats(filled, "Bestyrelsen for CDEU")) == 3  # nothing applied twice
    with filled.session() as session:
        purnima = session.scalars(select(Appointment).where(Appointment.source_item_id.is_not(None))).one()
        assert purnima.appointed_by == "KKR Midtjylland" and purnima.source_item is not None
        assert purnima.source_item.number == "4.3"


def test_a_rejected_proposal_leaves_the_register_alone(filled: storage.Database) -> None:
    ctx = context(filled)
    listed = answer(ctx, "/forslag", sender(ADMIN))
    reject = next(button_data([r], "Afvis") for r in listed if "Peter Sinding" in r.html and r.buttons)
    before = seats(filled, "Uddannelsesstyregruppen")
    assert "afvist" in said(answer_callback(ctx, reject, sender(ADMIN)))
    assert seats(filled, "Uddannelsesstyregruppen") == before
    with filled.session() as session:
        assert [p.person_name for p in pending_proposals(session)] == ["Purnima Erichsen"]


def test_administrators_are_told_of_each_proposal_once(filled: storage.Database) -> None:
    with filled.session() as session:
        session.add(Member(telegram_user_id=ADMIN, chat_id=ADMIN))
        session.add(Member(telegram_user_id=STRANGER, chat_id=STRANGER))
        session.commit()
    assert queue_proposal_notices(filled, {ADMIN, 9999}) == 4  # 9999 has not written yet: their chat
    assert queue_proposal_notices(filled, {ADMIN}) == 0
    with filled.session() as session:
        rows = session.scalars(select(Notification).order_by(Notification.key)).all()
        assert {(row.member.telegram_user_id, row.member.chat_id) for row in rows} == {
            (ADMIN, ADMIN),
            (9999, 9999),
        }
        assert all(row.key.startswith("proposal:") for row in rows)
        texts = " ".join(row.text for row in rows)
        assert "Purnima Erichsen" in texts and "Peter Sinding Poulsen" in texts
        labels = [button["text"] for row in rows for line in row.buttons or [] for button in line]
        assert labels.count("✅ Godkend") == 4


# --- the member's own view ---


def link(db: storage.Database, name: str, user_id: int) -> None:
    with db.session() as session:
        code = create_link_code(session, name).code
        redeem_link_code(session, code, user_id=user_id, chat_id=user_id)


def test_unlinked_users_learn_how_to_link_and_see_nothing_else(filled: storage.Database) -> None:
    text = said(answer(context(filled), "/mineudpegninger", sender(STRANGER)))
    assert "ikke knyttet" in text and "link" in text
    assert "CDEU" not in text and "Udpegninger for" not in text


def test_my_appointments_current_and_past_behind_a_button(filled: storage.Database) -> None:
    link(filled, "Steen Stavnsbo", STEEN)
    ctx = context(filled, dt.date(2023, 1, 1))
    replies = answer(ctx, "/mineudpegninger", sender(STEEN))
    assert "Bestyrelsen for CDEU: medlem, siden 01.01.2022" in said(replies)
    with filled.session() as session:
        cdeu = session.scalars(
            select(AppointmentProposal).where(AppointmentProposal.person_name.like("Purnima%"))
        )
        proposal_id = cdeu.one().id
    answer_callback(ctx, f"prop:{proposal_id}:ja", sender(ADMIN))
    replies = answer(ctx, "/mineudpegninger", sender(STEEN))
    assert "ingen aktuelle udpegninger" in said(replies)
    past = said(answer_callback(ctx, button_data(replies, "Tidligere"), sender(STEEN)))
    assert "Bestyrelsen for CDEU: medlem, 01.01.2022–22.03.2022" in past
    link(filled, "Purnima Erichsen", STRANGER)
    hers = said(answer(ctx, "/mineudpegninger", sender(STRANGER)))
    assert "udpeget af KKR Midtjylland" in hers and "punkt 4.3 Udpegning til bestyrelsen for CDEU" in hers


def test_items_that_concern_the_member_come_first(filled: storage.Database) -> None:
    link(filled, "Steen Stavnsbo", STEEN)
    replies = answer(context(filled), "/naestemoede", sender(STEEN))
    text = said(replies)
    assert (
        text.index("Vedrører dig") < text.index("4.3 Udpegning til bestyrelsen for CDEU") < text.index("1.1")
    )
    assert "vedrører dig: nævner dig, Bestyrelsen for CDEU" in text
    first_button = replies[-1].buttons[0][0]
    assert first_button.label == "⭐ 4.3"
    plain = said(answer(context(filled), "/naestemoede", sender(STRANGER)))
    assert "Vedrører dig" not in plain
    same = said(answer(context(filled), "/dagsorden 23. marts 2022", sender(STEEN)))
    assert "Vedrører dig" in same


def test_organizations_are_recognised_in_their_danish_forms(filled: storage.Database) -> None:
    with filled.session() as session:
        lauge = session.scalars(select(Person).where(Person.name == "Lauge Clemmensen")).one()
        kdnet = storage.queries.meeting_on(session, dt.date(2021, 8, 20))
        assert kdnet is not None
        items = storage.queries.items_of(session, kdnet)
        found = items_concerning(session, lauge.id, items, BEFORE_AGENDA)
        numbers = {i.number: found[i.id] for i in items if i.id in found}
        assert numbers["8"] == [None, "Uddannelsesstyregruppen"]  # names him; his organization
        kkr = storage.queries.meeting_on(session, dt.date(2022, 3, 23))
        assert kkr is not None
        # Lauge chairs KKR Midtjylland itself: that alone concerns no item of its own meeting
        assert (
            items_concerning(session, lauge.id, storage.queries.items_of(session, kkr), BEFORE_AGENDA) == {}
        )


def test_forget_me_asks_first_then_deletes_link_subscriptions_and_pending_notices(
    filled: storage.Database,
) -> None:
    link(filled, "Steen Stavnsbo", STEEN)
    with filled.session() as session:
        member = session.scalars(select(Member).where(Member.telegram_user_id == STEEN)).one()
        session.add(Subscription(member_id=member.id, kind="all", value=""))
        session.add(Notification(member_id=member.id, key="test:1", text="venter"))
        session.add(
            Notification(member_id=member.id, key="test:2", text="sendt", sent_at=dt.datetime(2022, 1, 1))
        )
        session.commit()
    ctx = context(filled)
    question = answer(ctx, "/glemmig", sender(STEEN))
    assert "Skal jeg glemme dig?" in said(question)
    assert "ikke slettet" in said(answer_callback(ctx, button_data(question, "Nej"), sender(STEEN)))
    assert "Udpegninger for Steen Stavnsbo" in said(answer(ctx, "/mineudpegninger", sender(STEEN)))
    done = answer_callback(ctx, button_data(question, "Ja"), sender(STEEN))
    assert done[0].edit
    assert "koblingen til din person, 1 abonnement, 1 ventende besked" in said(done)
    assert "ikke knyttet" in said(answer(ctx, "/mineudpegninger", sender(STEEN)))
    with filled.session() as session:
        member = session.scalars(select(Member).where(Member.telegram_user_id == STEEN)).one()
        assert member.person_id is None and member.subscriptions == []
        assert [n.key for n in session.scalars(select(Notification))] == ["test:2"]


# --- end to end: the register imported by the CLI, the real bot against the fake Bot API ---


@pytest.fixture(scope="module")
def appointments_bot(ingested_copy: Callable[[], str]) -> Iterator[tuple[FakeTelegram, str]]:
    """`kkrbot run` on a file holding the fixture PDFs and the register imported by `kkrbot`."""
    url = ingested_copy()
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("DATABASE_URL", url)
        done = run_kkrbot("udpegninger", "import", str(REGISTER))
        assert done.returncode == 0, done.stderr
    # A whole conversation in a few seconds: more than the five messages Telegram lets a chat burst
    with FakeTelegram(limits=RateLimits(chat_burst=30)) as server:
        for user_id, name in ((ADMIN, "Anne"), (STEEN, "Steen"), (STRANGER, "Sune")):
            server.add_user(user_id, name)
        with running_bot(server, DATABASE_URL=url, KKRBOT_ADMINS=str(ADMIN), KKRBOT_TODAY="2022-03-20"):
            yield server, url


def test_appointments_end_to_end(appointments_bot: tuple[FakeTelegram, str]) -> None:
    telegram, _url = appointments_bot
    assert "ikke knyttet" in telegram.ask(STEEN, "/mineudpegninger", timeout=30).plain_text
    invitation = telegram.ask(ADMIN, "/inviter Steen Stavnsbo", timeout=30).plain_text
    code = LINK_RE.search(invitation)
    assert code is not None, invitation
    assert "Velkommen, Steen Stavnsbo" in telegram.ask(STEEN, f"/start {code[1]}", timeout=30).plain_text
    mine = telegram.ask(STEEN, "/mineudpegninger", timeout=30).plain_text
    assert "Bestyrelsen for CDEU: medlem" in mine
    agenda = telegram.ask(STEEN, "/naestemoede", timeout=30).plain_text
    assert "Vedrører dig" in agenda

    assert telegram.ask(STRANGER, "/forslag", timeout=30).plain_text == "Kun for administratorer"
    # the administrator is told of each proposal without asking, from the outbox, with the buttons
    cdeu = telegram.wait_for(
        lambda: next((m for m in telegram.sent_messages(ADMIN) if "Purnima" in m.plain_text), None),
        timeout=30,
    )
    telegram.press_button(ADMIN, cdeu.message_id, "✅ Godkend")
    telegram.wait_for(
        lambda: any("godkendt" in (e.plain_text or "") for e in telegram.edits(ADMIN)), timeout=30
    )

    question = telegram.ask(STEEN, "/glemmig", timeout=30)
    telegram.press_button(STEEN, question.message_id, "Ja, glem mig")
    telegram.wait_for(
        lambda: any("Du er glemt" in (e.plain_text or "") for e in telegram.edits(STEEN)), timeout=30
    )
    assert "ikke knyttet" in telegram.ask(STEEN, "/mineudpegninger", timeout=30).plain_text
    assert telegram.errors() == []


# --- issue 14: what an approval from an agenda is called, and a move within one group ---


def test_an_appointment_from_an_agenda_is_indstillet_until_the_minutes_decide_it(
    filled: storage.Database, parsed_pdfs: dict[str, tuple[ParsedDocument, str]]
) -> None:
    ctx = context(filled)
    listed = answer(ctx, "/forslag", sender(ADMIN))
    answer_callback(
        ctx, next(button_data([r], "Godkend") for r in listed if "Purnima" in r.html), sender(ADMIN)
    )
    link(filled, "Purnima Erichsen", PURNIMA)
    mine = said(answer(ctx, "/mineudpegninger", sender(PURNIMA)))
    assert "indstillet: KKR Midtjylland 23.03.2022, punkt 4.3" in mine and "besluttet" not in mine
    agenda = parsed_pdfs["kkr-dagsorden-2022-03-23"][0]
    decided = dataclasses.replace(
        agenda,
        kind=DocumentKind.REFERAT,
        items=tuple(
            dataclasses.replace(i, decision="KKR tog udpegningen til efterretning.") for i in agenda.items
        ),
    )
    with filled.session() as session:
        storage.store_document(session, decided, sha256="f" * 64)
    assert "besluttet: KKR Midtjylland 23.03.2022, punkt 4.3" in said(
        answer(ctx, "/mineudpegninger", sender(PURNIMA))
    )


def test_a_move_within_one_group_ends_the_old_seat(filled: storage.Database) -> None:
    with filled.session() as session:
        person = session.scalars(select(Person).where(Person.name == "Lauge Clemmensen")).one()
        group = storage.Organization(name="Styregruppen for test")
        session.add(group)
        session.flush()
        session.add(
            Appointment(
                person_id=person.id,
                organization_id=group.id,
                role="næstformand",
                start_date=dt.date(2020, 1, 1),
            )
        )
        meeting = storage.queries.meeting_on(session, dt.date(2021, 8, 20))
        assert meeting is not None
        proposal = AppointmentProposal(
            meeting_id=meeting.id,
            item_number="8",
            fingerprint="move",
            person_name="Lauge Clemmensen",
            organization_name="Styregruppen for test",
            role="medlem",
            sentence="Lauge Clemmensen udpeges som medlem til Styregruppen for test.",
        )
        session.add(proposal)
        session.commit()
        proposal_id = proposal.id
    answer_callback(context(filled), f"prop:{proposal_id}:ja", sender(ADMIN))
    assert sorted(seats(filled, "Styregruppen for test")) == [
        ("Lauge Clemmensen", "medlem", dt.date(2021, 8, 20), None),
        ("Lauge Clemmensen", "næstformand", dt.date(2020, 1, 1), dt.date(2021, 8, 19)),
    ]
