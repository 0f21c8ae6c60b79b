"""The meeting database: models, migrations, storing parsed documents, reads and search.

Storage imports parsing's contract (parsing.model, parsing.errors) and the bottom package (core),
nothing else of the project.
"""

from storage import queries
from storage.db import (
    DEFAULT_DATABASE_URL,
    Database,
    DatabaseNotMigrated,
    create_db_engine,
    current_revision,
    head_revision,
    is_up_to_date,
    make_sessionmaker,
    open_database,
    upgrade,
)
from storage.models import (
    AgendaItem,
    Appointment,
    AppointmentProposal,
    Bilag,
    Body,
    Document,
    DocumentPage,
    Event,
    ItemChange,
    LinkCode,
    Meeting,
    Member,
    Notification,
    Organization,
    Person,
    Section,
    SourceState,
    Subscription,
)
from storage.results import Change, StoreResult
from storage.search import SearchHit, search
from storage.writes import MeetingHints, store_document

__all__ = [
    "DEFAULT_DATABASE_URL",
    "AgendaItem",
    "Appointment",
    "AppointmentProposal",
    "Bilag",
    "Body",
    "Change",
    "Database",
    "DatabaseNotMigrated",
    "Document",
    "DocumentPage",
    "Event",
    "ItemChange",
    "LinkCode",
    "Meeting",
    "MeetingHints",
    "Member",
    "Notification",
    "Organization",
    "Person",
    "SearchHit",
    "Section",
    "SourceState",
    "StoreResult",
    "Subscription",
    "create_db_engine",
    "current_revision",
    "head_revision",
    "is_up_to_date",
    "make_sessionmaker",
    "open_database",
    "queries",
    "search",
    "store_document",
    "upgrade",
]
