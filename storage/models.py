"""The meeting database as SQLAlchemy models, modelled on OParl (see shared/design/data-model.md).

Danish terms in comments where they help: indstilling = recommendation, beslutning = decision,
udpegning = appointment, bilag = attachment, sagsfremstilling = case presentation.
Search indexes (SQLite FTS5 tables, PostgreSQL tsvector columns) are not mapped here: they are
created by the migrations and kept in sync by storage.search_index.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.kinds import DocumentKind
from core.names import ROLES
from core.time import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MEETING_STATES = ("planned", "held", "cancelled")
DOCUMENT_KINDS = tuple(kind.value for kind in DocumentKind)
CHANGE_KINDS = ("added", "removed", "retitled", "recommendation_changed", "decision_changed")
SUBSCRIPTION_KINDS = ("all", "body", "keyword", "mine")
EVENT_KINDS = ("new_agenda", "new_supplementary_agenda", "new_minutes", "new_bilag", "new_version")
PROPOSAL_STATES = ("pending", "confirmed", "rejected")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    """Shared metadata with named constraints, so migrations can alter them on SQLite and PostgreSQL."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class Body(Base):
    """Who meets: `KKR Midtjylland`, `KD-Net`."""

    __tablename__ = "body"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    meetings: Mapped[list[Meeting]] = relationship(back_populates="body")


class Meeting(Base):
    """One meeting of a body on a date, however many documents describe it."""

    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("body_id", "date", name="uq_meeting_body_date"),
        CheckConstraint(_one_of("state", MEETING_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    location: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="planned")

    body: Mapped[Body] = relationship(back_populates="meetings", lazy="joined")
    documents: Mapped[list[Document]] = relationship(
        back_populates="meeting", order_by=lambda: (Document.kind, Document.version)
    )


class Document(Base):
    """One published PDF; a re-published one is a new row with the next version, the old one stays."""

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("meeting_id", "kind", "version", name="uq_document_meeting_kind_version"),
        CheckConstraint(_one_of("kind", DOCUMENT_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)  # False once a newer version exists
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_url: Mapped[str | None] = mapped_column(Text, index=True)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    pages: Mapped[int] = mapped_column(Integer)
    # What this document itself says about the meeting; the meeting holds the agreed values.
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    location: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="documents")
    page_texts: Mapped[list[DocumentPage]] = relationship(
        back_populates="document", order_by="DocumentPage.page", cascade="all, delete-orphan"
    )
    bilag: Mapped[list[Bilag]] = relationship(
        back_populates="document", order_by="Bilag.first_page", cascade="all, delete-orphan"
    )

    @property
    def full_text(self) -> str:
        return "\n\f".join(p.text for p in self.page_texts)


class DocumentPage(Base):
    """The text of one page of a document: the full text for search, page by page."""

    __tablename__ = "document_page"
    __table_args__ = (UniqueConstraint("document_id", "page", name="uq_document_page_document_page"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    page: Mapped[int] = mapped_column(Integer)  # 1-based
    text: Mapped[str] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="page_texts")


class DocumentFile(Base):
    """The PDF's bytes, kept so a member can be sent a bilag or an item's pages cut from it."""

    __tablename__ = "document_file"

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Bilag(Base):
    """One attachment inside a bilag bundle: its title (from its first page) and its pages."""

    __tablename__ = "bilag"
    __table_args__ = (UniqueConstraint("document_id", "first_page", name="uq_bilag_document_first_page"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    first_page: Mapped[int] = mapped_column(Integer)  # 1-based, in the bundle
    last_page: Mapped[int] = mapped_column(Integer)

    document: Mapped[Document] = relationship(back_populates="bilag")


class Section(Base):
    """A numbered heading of a document, e.g. `3. Regionalpolitiske sager`."""

    __tablename__ = "section"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    number: Mapped[str] = mapped_column(String(20))
    sort_key: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)  # free text where the section has no items
    decision: Mapped[str | None] = mapped_column(Text)  # the minutes' text under it (e.g. Eventuelt)
    page: Mapped[int] = mapped_column(Integer, default=0)

    document: Mapped[Document] = relationship()


class AgendaItem(Base):
    """One agenda item (dagsordenspunkt); the rows of the newest agenda version are current."""

    __tablename__ = "agenda_item"
    __table_args__ = (Index("ix_agenda_item_meeting_current", "meeting_id", "is_current", "sort_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    decision_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    number: Mapped[str] = mapped_column(String(20))
    sort_key: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(Text)
    case_number: Mapped[str | None] = mapped_column(String(40))
    presenter: Mapped[str | None] = mapped_column(Text)
    background: Mapped[str | None] = mapped_column(Text)  # baggrund
    recommendation: Mapped[str | None] = mapped_column(Text)  # indstilling
    case_presentation: Mapped[str | None] = mapped_column(Text)  # sagsfremstilling
    decision: Mapped[str | None] = mapped_column(Text)  # beslutning / referat
    attachments: Mapped[list[str]] = mapped_column(JSON, default=list)  # bilag marked ./.
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    page: Mapped[int] = mapped_column(Integer)

    meeting: Mapped[Meeting] = relationship()
    section: Mapped[Section | None] = relationship()
    document: Mapped[Document] = relationship(foreign_keys=[document_id])
    decision_document: Mapped[Document | None] = relationship(foreign_keys=[decision_document_id])


class ItemChange(Base):
    """What a new version of a document changed compared with the version before it."""

    __tablename__ = "item_change"
    __table_args__ = (CheckConstraint(_one_of("change", CHANGE_KINDS), name="change"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    previous_document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    number: Mapped[str] = mapped_column(String(20))
    change: Mapped[str] = mapped_column(String(30))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class Person(Base):
    """Someone who can be appointed: a mayor, a council member, a director."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("name", "municipality", name="uq_person_name_municipality"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str] = mapped_column(String(100), default="")
    party: Mapped[str | None] = mapped_column(String(40))  # ballot letter, e.g. "A" (core.names)

    appointments: Mapped[list[Appointment]] = relationship(back_populates="person")


class Organization(Base):
    """A board, council or group that people are appointed to."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)


class Appointment(Base):
    """An udpegning: a person holds a role in an organization for a period."""

    __tablename__ = "appointment"
    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    appointed_by: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(Text)  # an imported list's name, or a note
    source_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))

    person: Mapped[Person] = relationship(back_populates="appointments")
    organization: Mapped[Organization] = relationship(lazy="joined")
    source_item: Mapped[AgendaItem | None] = relationship()


class Member(Base):
    """A Telegram user of the bot."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    display_name: Mapped[str | None] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # only via a LinkCode
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False)  # blocked by an administrator
    is_inactive: Mapped[bool] = mapped_column(Boolean, default=False)  # the user blocked the bot
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    failed_link_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    link_locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)  # after 5 wrong codes (UTC)

    person: Mapped[Person | None] = relationship()
    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )


class MemberCouncil(Base):
    """A council a member has chosen to follow in the bot (/raad); none chosen means every council."""

    __tablename__ = "member_council"

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), primary_key=True)


class LinkCode(Base):
    """A one-time code from an administrator that links a member to a person."""

    __tablename__ = "link_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 (hex) of the code; the code itself is only ever shown to the administrator once
    code_hash: Mapped[str] = mapped_column("code", String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    used_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))


class Subscription(Base):
    """What a member follows: everything, a body, a keyword, or their own appointments."""

    __tablename__ = "subscription"
    __table_args__ = (
        UniqueConstraint("member_id", "kind", "value", name="uq_subscription_member_kind_value"),
        CheckConstraint(_one_of("kind", SUBSCRIPTION_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(200), default="")  # "" for all and mine
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    member: Mapped[Member] = relationship(back_populates="subscriptions")


class Event(Base):
    """Something ingestion stored that members may hear about; the notifier fans these out."""

    __tablename__ = "event"
    __table_args__ = (CheckConstraint(_one_of("kind", EVENT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notified_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)  # fanned out

    meeting: Mapped[Meeting] = relationship()
    document: Mapped[Document] = relationship()


class Notification(Base):
    """The outbox: one message to one member, created once per member and event key."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("member_id", "key", name="uq_notification_member_key"),
        Index("ix_notification_unsent", "sent_at", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"))
    key: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    # not sent before this moment (UTC): a retry's backoff; None means at once
    not_before: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # inline keyboard as Telegram wants it: rows of {"text", "url" | "callback_data"}
    buttons: Mapped[list[Any] | None] = mapped_column(JSON)

    member: Mapped[Member] = relationship()


class AppointmentProposal(Base):
    """A change of appointments an agenda item proposes or a minutes decides, waiting for an
    administrator: nothing from a document is applied to the register without a confirming tap."""

    __tablename__ = "appointment_proposal"
    __table_args__ = (
        UniqueConstraint("meeting_id", "fingerprint", name="uq_appointment_proposal_meeting_fingerprint"),
        CheckConstraint(_one_of("state", PROPOSAL_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    item_number: Mapped[str] = mapped_column(String(20))
    # who, where, whom they replace, as the document writes them; matched to rows on confirmation
    fingerprint: Mapped[str] = mapped_column(String(64))
    person_name: Mapped[str] = mapped_column(String(200))
    party: Mapped[str | None] = mapped_column(String(40))
    replaces_name: Mapped[str | None] = mapped_column(String(200))
    organization_name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str | None] = mapped_column(String(20))  # None: the replaced person's role, else medlem
    sentence: Mapped[str] = mapped_column(Text)  # the sentence it was read from, shown to the admin
    state: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decided_by_user_id: Mapped[int | None] = mapped_column(BigInteger)

    meeting: Mapped[Meeting] = relationship()
    item: Mapped[AgendaItem | None] = relationship()


class SourceState(Base):
    """What a poller knows about one source URL, for conditional GETs and /status."""

    __tablename__ = "source_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)  # the header as the server sent it
    last_poll: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_success: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
