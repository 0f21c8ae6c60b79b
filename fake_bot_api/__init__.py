"""A fake Telegram Bot API server for the end-to-end tests and the broadcast benchmark.

Not part of kkrbot (it is neither installed nor in the image), and it imports nothing of kkrbot: the
real bot talks to it over HTTP as it would to api.telegram.org.
"""

from fake_bot_api.server import (
    MAX_TEXT_LENGTH,
    NO_LIMITS,
    FakeTelegram,
    RateLimits,
    SentMessage,
)
from fake_bot_api.telegram_html import format_text

__all__ = ["MAX_TEXT_LENGTH", "NO_LIMITS", "FakeTelegram", "RateLimits", "SentMessage", "format_text"]
