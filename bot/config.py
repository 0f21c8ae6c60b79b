"""One frozen settings object from the environment, so nothing else in kkrbot reads os.environ.

Lists are written the way operators write them in a shell or a compose file: comma-separated
(`KKRBOT_ADMINS=111,222`), not JSON.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.defaults import DEFAULT_DATABASE_URL
from core.time import Clock
from parsing.isolated import ParseLimits
from sources.inbox import inbox_url

DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as a secret_token


class ConfigError(Exception):
    """An environment variable holds a value kkrbot cannot use; `str(err)` is one line for the operator."""


def _comma_separated(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


class Settings(BaseSettings):
    """Everything kkrbot can be told from outside; built once at start and handed to whoever needs it."""

    model_config = SettingsConfigDict(
        frozen=True,
        extra="ignore",
        env_ignore_empty=True,
        populate_by_name=True,
        case_sensitive=False,
    )

    database_url: str = Field(default=DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    telegram_token: SecretStr | None = Field(default=None, validation_alias="TELEGRAM_TOKEN")
    telegram_api_url: str = Field(default=DEFAULT_TELEGRAM_API_URL, validation_alias="TELEGRAM_API_URL")
    today: dt.date | None = Field(default=None, validation_alias="KKRBOT_TODAY")
    admins: Annotated[tuple[int, ...], NoDecode] = Field(default=(), validation_alias="KKRBOT_ADMINS")
    source_urls: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), validation_alias="KKRBOT_SOURCE_URLS"
    )
    poll_seconds: int = Field(default=900, gt=0, validation_alias="KKRBOT_POLL_SECONDS")
    inbox: Path | None = Field(default=None, validation_alias="KKRBOT_INBOX")
    send_rate: float = Field(default=25, gt=0, validation_alias="KKRBOT_SEND_RATE")
    # what parsing one PDF may cost before it is stopped (parsing.isolated): in all, per page, memory
    parse_seconds: float = Field(default=60, gt=0, validation_alias="KKRBOT_PARSE_SECONDS")
    parse_page_seconds: float = Field(default=6, gt=0, validation_alias="KKRBOT_PARSE_PAGE_SECONDS")
    parse_memory_mb: int = Field(default=400, ge=100, validation_alias="KKRBOT_PARSE_MEMORY_MB")
    # after this many seconds a claimed but unsent notice counts as lost (its sender died) and is resent
    outbox_lease_seconds: float = Field(default=60, ge=1, validation_alias="KKRBOT_OUTBOX_LEASE")
    webhook_url: str | None = Field(default=None, validation_alias="KKRBOT_WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, validation_alias="KKRBOT_WEBHOOK_SECRET")
    port: int = Field(default=8080, gt=0, lt=65536, validation_alias="KKRBOT_PORT")

    @property
    def parse_limits(self) -> ParseLimits:
        return ParseLimits(self.parse_seconds, self.parse_page_seconds, self.parse_memory_mb)

    @property
    def polled_sources(self) -> tuple[str, ...]:
        """The sources `kkrbot run` polls, as storage.polls names them: the pages, then the inbox.
        Only these are shown by status; a one-off `kkrbot ingest URL` is not one of them."""
        inbox = (inbox_url(self.inbox),) if self.inbox is not None else ()
        return self.source_urls + inbox

    def clock(self) -> Clock:
        """Today and now for this run: KKRBOT_TODAY's date if set, else Copenhagen's."""
        return Clock(self.today)

    @field_validator("admins", "source_urls", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        return _comma_separated(value)

    @field_validator("telegram_api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


def _env_name(location: tuple[int | str, ...]) -> str:
    name = str(location[0]) if location else "?"
    field = Settings.model_fields.get(name)
    alias = field.validation_alias if field is not None else None
    return (alias if isinstance(alias, str) else name).upper()


def load_settings() -> Settings:
    """Settings from the environment, or ConfigError naming the variable that is wrong."""
    try:
        return Settings()
    except ValidationError as err:
        first = err.errors()[0]
        count = err.error_count()
        more = f" (og {count - 1} fejl mere)" if count > 1 else ""
        raise ConfigError(
            f"{_env_name(first['loc'])}: ugyldig værdi {first.get('input')!r}: {first['msg']}{more}"
        ) from err


def webhook_problem(settings: Settings) -> tuple[str, str] | None:
    """Why the webhook settings cannot be used, as (variable, Danish reason), or None; never shows the
    secret. A webhook anyone could call with made-up updates is refused: it needs a secret."""
    if settings.webhook_url is None:
        return None
    if not settings.webhook_url.startswith(("https://", "http://")):
        return "KKRBOT_WEBHOOK_URL", "skal være en adresse, der begynder med https://"
    if settings.webhook_secret is None:
        return "KKRBOT_WEBHOOK_SECRET", "mangler: med KKRBOT_WEBHOOK_URL skal der også være en hemmelig nøgle"
    if not WEBHOOK_SECRET_RE.fullmatch(settings.webhook_secret.get_secret_value()):
        return "KKRBOT_WEBHOOK_SECRET", "må kun indeholde A-Z, a-z, 0-9, _ og - og være 1-256 tegn lang"
    return None
