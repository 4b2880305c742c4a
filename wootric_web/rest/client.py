"""Wootric's REST API v1: signing in, the account's host, retries, and listing past the page limit.

One :class:`WootricClient` talks to one account. It signs in with either of the two grants the API
documents (:class:`PasswordGrant`, :class:`ClientCredentials`), renews its token a minute before it
expires (and once more if the API refuses it early), waits out the rate limit the API announces,
retries 429s, 5xx answers and broken connections with backoff, and raises :class:`WootricError`,
naming the call, for anything else. Every fact about the API comes from the platform notes
(``wootric-platform.md`` §2, with the anchors' behaviour in §3 and §4).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Literal
from urllib.parse import quote

import httpx

from .._version import __version__
from ..dates import datetime_seconds, iso_seconds
from ..session import ACCOUNT_TOKEN

# §2.3: `page` may not exceed 30 and `per_page` 50, so one filter reaches 1,500 rows at most.
MAX_PAGE = 30
PER_PAGE = 50

# Singer's tap renews this long before `expires_in` runs out (§4.1), so that a token never lapses
# between the check and the request.
RENEW_MARGIN_SECONDS = 60.0
# §2.2: tokens last two hours; used when a token answer leaves `expires_in` out.
DEFAULT_TOKEN_LIFETIME = 7200.0

DEFAULT_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0
# §2.3: over the limit, "wait one minute"; the reset header, when sent, says exactly how long.
RATE_LIMIT_WAIT_SECONDS = 60.0
# A reset far in the future means a clock is wrong, not that the account is closed for an hour.
RATE_LIMIT_MAX_WAIT_SECONDS = 300.0

Method = Literal["GET", "POST", "PUT", "DELETE"]
Sleep = Callable[[float], None]
Clock = Callable[[], float]


class WootricError(Exception):
    """A call Wootric refused, or could not be reached for after every retry.

    ``call`` is ``"METHOD /path"`` (never the query, which may hold an email); ``status`` is the
    last HTTP status, or None when no answer came.
    """

    def __init__(self, message: str, *, call: str, status: int | None) -> None:
        super().__init__(message)
        self.call = call
        self.status = status


class CredentialsRefused(WootricError):
    """The token endpoint refused the credentials: no later call can succeed either."""


@dataclass(frozen=True)
class PasswordGrant:
    """An InMoment login and the account's token, as RudderStack's destination signs in (§3)."""

    username: str
    password: str = field(repr=False)
    account_token: str

    def token_request(self) -> tuple[dict[str, str], dict[str, str]]:
        # §2.2: a login that reaches several accounts names the one it means in the query.
        form = {"grant_type": "password", "username": self.username, "password": self.password}
        return {"account_token": self.account_token}, form


@dataclass(frozen=True)
class ClientCredentials:
    """The API page's client id and secret, as Kondado's connector and the Singer taps sign in.

    ``account_token``, when given, only chooses the account's region (see :func:`api_url`).
    """

    client_id: str
    client_secret: str = field(repr=False)
    account_token: str | None = None

    def token_request(self) -> tuple[dict[str, str], dict[str, str]]:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        return {}, form


Credentials = PasswordGrant | ClientCredentials


def api_url(account_token: str | None) -> str:
    """The API's base URL for an account: EU and AU accounts (``NPS-EU-…``, ``NPS-AU-…``) have hosts
    of their own, with ``.eu`` or ``.au`` for ``.com`` (§2.1; the REST host is the webhooks page's
    rule applied to ``api.wootric.com``, as no source shows an EU request)."""
    if account_token is None:
        return "https://api.wootric.com"
    if not ACCOUNT_TOKEN.fullmatch(account_token):
        raise ValueError(
            "The account token is not a Wootric token: expected NPS- followed by 8 letters or "
            "digits, or NPS-EU-/NPS-AU- for EU and AU accounts."
        )
    region = account_token[4:7]
    tld = {"EU-": "eu", "AU-": "au"}.get(region, "com")
    return f"https://api.wootric.{tld}"


def path_segment(value: str) -> str:
    """``value`` as one segment of a URL path: every reserved character escaped, dots included.

    An id of ``..`` would otherwise be folded away by URL normalisation (turning a lookup into a
    call on another endpoint), and a literal dot is where a Rails router starts a format suffix.
    """
    return quote(value, safe="").replace(".", "%2E")


def api_seconds(text: object) -> int | None:
    """Unix seconds of a timestamp as the API writes it, or None.

    Reads return ``"2018-01-02 23:03:41 -0800"``; writes return ISO 8601 with milliseconds (§2.3).
    """
    if not isinstance(text, str):
        return None
    try:
        return datetime_seconds(datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z"))
    except ValueError:
        return iso_seconds(text.replace(" ", "T", 1))


@dataclass(frozen=True)
class Page:
    """One page of a listing, and where a later listing must start to miss nothing after it."""

    rows: list[dict[str, Any]]
    resume_from: int
    last: bool


@dataclass
class _Token:
    value: str
    expires_at: float


class WootricClient:
    """Calls on one Wootric account; see the module docstring for what it retries.

    ``sleep`` and ``clock`` (Unix seconds, as the rate-limit reset header is) are the only ways it
    waits or reads the time, so tests can pass a clock of their own. ``transport`` goes to httpx.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        attempts: int = DEFAULT_ATTEMPTS,
        sleep: Sleep = time.sleep,
        clock: Clock = time.time,
    ) -> None:
        self.credentials = credentials
        self.base_url = base_url or api_url(credentials.account_token)
        self.attempts = attempts
        self.requests = 0
        """HTTP requests made so far, sign-ins and retries included."""
        self._sleep = sleep
        self.clock = clock
        """The client's time, Unix seconds."""
        self._token: _Token | None = None
        self._not_before = 0.0
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": f"wootric-web/{__version__}", "Accept": "application/json"},
        )

    def __enter__(self) -> WootricClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        """The JSON answer of a GET."""
        return self.call("GET", path, params=params)

    def find(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        """The JSON answer of a GET, or None when Wootric answers 404 (no such record)."""
        return self.call("GET", path, params=params, missing_ok=True)

    def post(self, path: str, form: Mapping[str, str]) -> Any:
        return self.call("POST", path, form=form)

    def put(self, path: str, form: Mapping[str, str]) -> Any:
        return self.call("PUT", path, form=form)

    def call(
        self,
        method: Method,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        form: Mapping[str, str] | None = None,
        missing_ok: bool = False,
    ) -> Any:
        """One API call, signed in; its JSON answer (None for an empty one).

        Bodies are form-encoded, as RudderStack's destination sends them (§3).
        """
        name = f"{method} {path}"

        def send(*, renew: bool) -> httpx.Response:
            headers = {"Authorization": f"Bearer {self._access_token(renew=renew)}"}
            return self._send(name, method, path, params=params, form=form, headers=headers)

        response = send(renew=False)
        if response.status_code == 401:
            # A token can be refused before its time (revoked, or a clock that runs differently
            # from Wootric's): one fresh sign-in, then the refusal stands.
            response = send(renew=True)
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            raise WootricError(
                f"{name} was refused: {response.status_code} {error_message(response)}",
                call=name,
                status=response.status_code,
            )
        return _json(name, response)

    def pages(
        self, path: str, key: Literal["created", "updated"], start: int, bound: int
    ) -> Iterator[Page]:
        """Every row of a listing whose ``<key>_at`` lies in ``[start, bound)``, oldest first.

        Wootric serves at most 30 pages of 50 per filter (§2.3), so, like the taps (§4), this moves
        the window's start forward instead of paging on: after every page the next listing starts
        at the last row's second (the rows of that second are read again, and their ids keep them
        single). A fresh listing for every page also means that rows moving out of the window while
        it is read (an end user updated meanwhile) cannot shift an unread row onto a page already
        read. Only rows sharing one second are paged through, up to page 30.
        """
        sort_key = f"{key}_at"
        cursor, page = start, 1
        while True:
            params: dict[str, str | int] = {
                f"{key}[gte]": cursor,
                f"{key}[lt]": bound,
                # §2.4 documents sort_key for end users only; the taps send it to every stream
                # (§4.1), and the default order of responses and declines is newest first.
                "sort_key": sort_key,
                "sort_order": "asc",
                "per_page": PER_PAGE,
                "page": page,
            }
            rows = self.get(path, params)
            if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
                raise WootricError(
                    f"GET {path} answered with something other than a list of records",
                    call=f"GET {path}",
                    status=200,
                )
            if len(rows) < PER_PAGE:
                yield Page(rows, bound, last=True)
                return
            last = api_seconds(rows[-1].get(sort_key))
            if last is None:
                raise WootricError(
                    f"GET {path} answered with a record whose {sort_key} is not a timestamp",
                    call=f"GET {path}",
                    status=200,
                )
            if last > cursor:
                cursor, page = last, 1
            elif page < MAX_PAGE:
                page += 1
            else:
                raise WootricError(
                    f"GET {path}: more than {MAX_PAGE * PER_PAGE} records share one second of "
                    f"{sort_key}, beyond what Wootric's page limit lets any filter reach",
                    call=f"GET {path}",
                    status=200,
                )
            yield Page(rows, cursor, last=False)

    def _access_token(self, *, renew: bool) -> str:
        token = self._token
        if renew or token is None or self.clock() >= token.expires_at - RENEW_MARGIN_SECONDS:
            token = self._token = self._sign_in()
        return token.value

    def _sign_in(self) -> _Token:
        name = "POST /oauth/token"
        params, form = self.credentials.token_request()
        started = self.clock()
        response = self._send(name, "POST", "/oauth/token", params=params, form=form, headers={})
        if response.status_code >= 400:
            raise CredentialsRefused(
                f"{name} refused the credentials: {response.status_code} {error_message(response)}",
                call=name,
                status=response.status_code,
            )
        answer = _json(name, response)
        value = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(value, str) or not value:
            raise WootricError(
                f"{name} answered without an access token", call=name, status=response.status_code
            )
        lifetime = answer.get("expires_in")
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float):
            lifetime = DEFAULT_TOKEN_LIFETIME
        # Counted from before the request: the token is never thought to live longer than it does.
        return _Token(value, started + float(lifetime))

    def _send(
        self,
        name: str,
        method: Method,
        path: str,
        *,
        params: Mapping[str, str | int] | None,
        form: Mapping[str, str] | None,
        headers: Mapping[str, str],
    ) -> httpx.Response:
        """The first answer that is neither a 429, nor a 5xx, nor a broken connection."""
        attempt = 0
        while True:
            self._wait_for_rate_limit()
            attempt += 1
            self.requests += 1
            try:
                response = self._http.request(
                    method, path, params=params, data=form, headers=headers
                )
            except httpx.TransportError as error:
                if attempt >= self.attempts:
                    raise WootricError(
                        f"{name} failed {attempt} times; the last time: {type(error).__name__}",
                        call=name,
                        status=None,
                    ) from error
                self._sleep(backoff_seconds(attempt))
                continue
            self._note_rate_limit(response)
            status = response.status_code
            if status != 429 and status < 500:
                return response
            if attempt >= self.attempts:
                raise WootricError(
                    f"{name} failed {attempt} times; the last time: {status} "
                    f"{error_message(response)}",
                    call=name,
                    status=status,
                )
            self._sleep(self._retry_seconds(response, attempt))

    def _retry_seconds(self, response: httpx.Response, attempt: int) -> float:
        if response.status_code != 429:
            return backoff_seconds(attempt)
        reset = _header_number(response, "X-Rate-Limit-Reset")
        if reset is not None:
            return min(max(reset - self.clock(), 1.0), RATE_LIMIT_MAX_WAIT_SECONDS)
        retry_after = _header_number(response, "Retry-After")
        if retry_after is not None:
            return min(max(retry_after, 1.0), RATE_LIMIT_MAX_WAIT_SECONDS)
        return RATE_LIMIT_WAIT_SECONDS

    def _note_rate_limit(self, response: httpx.Response) -> None:
        """Remember to wait for the reset when the answer says no calls are left (§2.3)."""
        remaining = _header_number(response, "X-Rate-Limit-Remaining")
        reset = _header_number(response, "X-Rate-Limit-Reset")
        if remaining is not None and remaining <= 0 and reset is not None:
            self._not_before = min(reset, self.clock() + RATE_LIMIT_MAX_WAIT_SECONDS)

    def _wait_for_rate_limit(self) -> None:
        wait = self._not_before - self.clock()
        if wait > 0:
            self._sleep(wait)
        self._not_before = 0.0


def backoff_seconds(attempt: int) -> float:
    """How long to wait after failed attempt number ``attempt``: 1 s, doubling, at most a minute."""
    return min(BACKOFF_BASE_SECONDS * 2.0 ** (attempt - 1), BACKOFF_MAX_SECONDS)


def error_message(response: httpx.Response) -> str:
    """What an error answer says: the messages of an ``error_list`` body (§2.3), an OAuth error's
    description, or the start of whatever else came back."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or response.reason_phrase
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list):
            messages = [
                str(item["message"])
                for item in errors
                if isinstance(item, dict) and item.get("message")
            ]
            if messages:
                return "; ".join(messages)
        for key in ("error_description", "error", "message"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return json.dumps(body)[:200]


def _json(name: str, response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise WootricError(
            f"{name} answered with something other than JSON",
            call=name,
            status=response.status_code,
        ) from None


def _header_number(response: httpx.Response, name: str) -> float | None:
    try:
        number = float(response.headers[name])
    except (KeyError, ValueError):
        return None
    return number if math.isfinite(number) else None
