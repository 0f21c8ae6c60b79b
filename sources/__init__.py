"""Where meeting PDFs come from: KL's meeting pages and an inbox folder; they fetch, others parse and store.

The public API is re-exported here; of the rest of the project only parsing.dates is used.
"""

from sources.http import CONTACT_URL, PoliteClient, RetryPolicy, user_agent
from sources.inbox import InboxFolder, InboxItem
from sources.model import (
    DocumentKind,
    FetchedPdf,
    LinkResult,
    MeetingHint,
    MeetingLink,
    MeetingPage,
    PagePoll,
    PageRead,
    PageState,
    SourceError,
)
from sources.page import read_meeting_page
from sources.pdf_bytes import looks_like_pdf
from sources.web import MeetingPageSource

__all__ = [
    "CONTACT_URL",
    "DocumentKind",
    "FetchedPdf",
    "InboxFolder",
    "InboxItem",
    "LinkResult",
    "MeetingHint",
    "MeetingLink",
    "MeetingPage",
    "MeetingPageSource",
    "PagePoll",
    "PageRead",
    "PageState",
    "PoliteClient",
    "RetryPolicy",
    "SourceError",
    "looks_like_pdf",
    "read_meeting_page",
    "user_agent",
]
