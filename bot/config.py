"""One frozen settings object from the environment, so nothing else in kkrbot reads os.environ.

Lists are written the way operators write them in a shell or a compose file: comma-separated
(`KKRBOT_ADMINS=111,222`), not JSON.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.parse_config import ConfigError, parse_limits
from core.defaults import DEFAULT_DATABASE_URL
from core.time import Clock
from parsing.isolated import ParseLimits

DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as a secret_token


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
    # after this many seconds a claimed but unsent notice counts as lost (its sender died) and is resent
    outbox_lease_seconds: float = Field(default=60, ge=1, validation_alias="KKRBOT_OUTBOX_LEASE")
    webhook_url: str | None = Field(default=None, validation_alias="KKRBOT_WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, validation_alias="KKRBOT_WEBHOOK_SECRET")
    port: int = Field(default=8080, gt=0, lt=65536, validation_alias="KKRBOT_PORT")

    @cached_property
    def parse_limits(self) -> ParseLimits:
        """What parsing one PDF may cost, and which reader reads it (bot.parse_config)."""
        return parse_limits()

    @property
    def polled_sources(self) -> tuple[str, ...]:
        """The sources `kkrbot run` polls, as storage.polls names them: the pages, then the inbox.
        Only these are shown by status; a one-off `kkrbot ingest URL` is not one of them."""
        from sources.inbox import inbox_url  # not imported with the settings: it brings httpx

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
        settings = Settings()
    except ValidationError as err:
        first = err.errors()[0]
        count = err.error_count()
        more = f" (og {count - 1} fejl mere)" if count > 1 else ""
        raise ConfigError(
            f"{_env_name(first['loc'])}: ugyldig værdi {first.get('input')!r}: {first['msg']}{more}"
        ) from err
    settings.parse_limits  # noqa: B018  (a bad KKRBOT_PARSE_* or KKRBOT_PDF_READER is found at start)
    return settings


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
