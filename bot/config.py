"""One frozen settings object from the environment, so nothing else in kkrbot reads os.environ.

Lists are written the way operators write them in a shell or a compose file: comma-separated
(`KKRBOT_ADMINS=111,222`), not JSON.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./data/kkrbot.sqlite3"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"


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
    webhook_url: str | None = Field(default=None, validation_alias="KKRBOT_WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, validation_alias="KKRBOT_WEBHOOK_SECRET")
    port: int = Field(default=8080, gt=0, lt=65536, validation_alias="KKRBOT_PORT")

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
