"""Logs for operators: one JSON object per line on stdout, with secrets taken out before anything is written.

A log line may quote a URL or an update, and those can hold the bot token (Telegram puts it in every
API URL) or a one-time link code (`/start CODE`, `?start=CODE`); the redaction runs on the handler, so
it covers every logger, exception tracebacks included.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from typing import IO

HIDDEN = "[skjult]"
# a bot token is `<bot id>:<35 characters>`; 30 or more leaves room for other lengths without catching times
TOKEN_PATTERN = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
# the argument of /start (a link code) in a message, and the start parameter of a deep link
LINK_CODE_PATTERN = re.compile(r"(/start(?:@\w+)?\s+|[?&]start=)[^\s&\"']+")
QUIET_LOGGERS = {
    "httpx": logging.WARNING,  # its request lines carry the bot token in the URL
    "httpcore": logging.WARNING,
    "apscheduler": logging.WARNING,  # a line for every job run
    "tornado.access": logging.WARNING,  # a line for every webhook call
}


def redact(text: str) -> str:
    """`text` with bot tokens and link codes replaced by [skjult]."""
    text = TOKEN_PATTERN.sub(HIDDEN, text)
    return LINK_CODE_PATTERN.sub(lambda match: match.group(1) + HIDDEN, text)


class RedactSecrets(logging.Filter):
    """Rewrites each record's message (arguments merged in) and traceback without tokens or link codes."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.exc_info = None  # the redacted text above is what gets written
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One line of JSON per record: time (UTC, ISO 8601), level, logger, message, and the traceback if any.

    Danish letters are written as they are when the stream takes UTF-8, else as JSON escapes (`\\u00f8`).
    """

    def __init__(self, ascii_only: bool = False) -> None:
        super().__init__()
        self.ascii_only = ascii_only

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=self.ascii_only)


def setup_logging(level: int = logging.INFO, stream: IO[str] | None = None) -> logging.Handler:
    """Send every log record at `level` or above, and Python warnings, to `stream` (stdout) as redacted
    JSON lines. Replaces whatever handlers the root logger had, so calling it twice does not double lines.
    """
    stream = stream if stream is not None else sys.stdout
    encoding = (getattr(stream, "encoding", None) or "ascii").lower().replace("-", "")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(ascii_only=encoding != "utf8"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)  # a library's warnings.warn() becomes a JSON line too, not stray stderr
    for name, quiet_level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(quiet_level, level))
    return handler
