"""Where meeting PDFs come from: KL's meeting pages and an inbox folder; they fetch, others parse and store.

The public API is re-exported here; of the rest of the project only the bottom package (core) is used.
"""

from sources.http import CONTACT_URL, PoliteClient, RetryPolicy, user_agent
from sources.inbox import InboxFolder, InboxItem
from sources.model import (
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
from sources.web import MeetingPageSource

__all__ = [
    "CONTACT_URL",
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
    "read_meeting_page",
    "user_agent",
]
