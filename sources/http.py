"""A polite HTTP client for KL's site: a User-Agent naming kkrbot, timeouts, bounded retries with backoff.

Every failure becomes a SourceError with a Danish reason; the transport is injectable (httpx's seam)
and `origin_map` sends requests for one origin to another (tests map https://www.kl.dk to 127.0.0.1).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from sources.model import SourceError

CONTACT_URL = "https://example.org/kkrbot"  # placeholder until the project has a public home


def _kkrbot_version() -> str:
    try:
        return version("kkrbot")
    except PackageNotFoundError:
        return "0"


def user_agent(contact_url: str = CONTACT_URL) -> str:
    """The User-Agent every request sends: who we are, which version, and where to reach us."""
    return f"kkrbot/{_kkrbot_version()} (+{contact_url})"


DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_PDF_BYTES = 200 * 1024 * 1024
_RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
_STATUS_REASONS = {
    401: "kræver login",
    403: "adgang nægtet",
    404: "findes ikke",
    410: "er fjernet",
    429: "serveren beder os vente (for mange forespørgsler)",
}


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to try again after a network error, a 5xx or a 429."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry `retry_number` (1-based): doubling, or the server's Retry-After."""
        wanted = retry_after if retry_after is not None else self.base_delay * 2 ** (retry_number - 1)
        return max(0.0, min(wanted, self.max_delay))


@dataclass(frozen=True)
class HttpReply:
    """A completed GET: status 2xx or 304, the headers, the whole body, and whether redirects led there."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes = field(repr=False)
    redirected: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def describe_status(status: int) -> str:
    """A Danish phrase for an HTTP error status."""
    reason = _STATUS_REASONS.get(status)
    if reason is None:
        reason = "serverfejl" if status >= 500 else "uventet svar"
    return f"{reason} (HTTP {status})"


def _describe_network_error(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "serveren svarede ikke i tide"
    if isinstance(error, httpx.ConnectError):
        return "kunne ikke forbinde til serveren"
    if isinstance(error, httpx.TooManyRedirects):
        return "for mange omdirigeringer"
    return f"netværksfejl ({type(error).__name__})"


def _retry_after_seconds(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after", "").strip()
    try:
        return float(value) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


class PoliteClient:
    """GETs with kkrbot's manners; use as a context manager or call close()."""

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        contact_url: str = CONTACT_URL,
        origin_map: Mapping[str, str] | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.origin_map = {k.rstrip("/"): v.rstrip("/") for k, v in (origin_map or {}).items()}
        self._client = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": user_agent(contact_url)},
        )

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def request_url(self, url: str) -> str:
        """Where a request for `url` really goes, after `origin_map`."""
        for origin, target in self.origin_map.items():
            if url == origin or url.startswith(origin + "/"):
                return target + url[len(origin) :]
        return url

    def get(
        self, url: str, headers: Mapping[str, str] | None = None, max_bytes: int = MAX_PDF_BYTES
    ) -> HttpReply:
        """GET `url`, retrying what may pass; returns a 2xx or 304 reply, raises SourceError otherwise."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise SourceError(f"ugyldig adresse: {url}")
        target = self.request_url(url)
        last_problem = ""
        for attempt in range(1, self.retry.attempts + 1):
            retry_after: float | None = None
            try:
                reply = self._get_once(target, headers or {}, max_bytes)
            except httpx.UnsupportedProtocol as error:
                raise SourceError(f"ugyldig adresse: {url}") from error
            except httpx.InvalidURL as error:
                raise SourceError(f"ugyldig adresse: {url}") from error
            except httpx.TransportError as error:
                last_problem = _describe_network_error(error)
            except httpx.HTTPError as error:
                raise SourceError(_describe_network_error(error)) from error
            else:
                if reply.status not in _RETRYABLE_STATUSES:
                    if 200 <= reply.status < 300 or reply.status == 304:
                        return reply
                    raise SourceError(describe_status(reply.status))
                last_problem = describe_status(reply.status)
                retry_after = _retry_after_seconds(reply.headers)
            if attempt < self.retry.attempts:
                self.retry.sleep(self.retry.delay(attempt, retry_after))
        raise SourceError(f"{last_problem}, opgivet efter {self.retry.attempts} forsøg")

    def _get_once(self, url: str, headers: Mapping[str, str], max_bytes: int) -> HttpReply:
        with self._client.stream("GET", url, headers=headers) as response:
            if not (200 <= response.status_code < 300):
                return HttpReply(
                    str(response.url), response.status_code, response.headers, b"", bool(response.history)
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise SourceError(_too_big(max_bytes))
            chunks: list[bytes] = []
            received = 0
            for chunk in response.iter_bytes():
                received += len(chunk)
                if received > max_bytes:
                    raise SourceError(_too_big(max_bytes))
                chunks.append(chunk)
            body = b"".join(chunks)
            return HttpReply(
                str(response.url), response.status_code, response.headers, body, bool(response.history)
            )


def _too_big(max_bytes: int) -> str:
    return f"filen er for stor (over {max_bytes // (1024 * 1024)} MB)"
