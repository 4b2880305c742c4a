"""A stand-in for Wootric's REST API v1 on 127.0.0.1, built from its documented behaviour.

Each behaviour names where it is documented: "§x.y" is a section of the platform notes
(shared/reference/wootric-platform.md), which cite Wootric's docs (slate:_*.md) and the anchors.
Where the docs are silent, the stand-in takes the strictest reading, so that a client that passes
against it relies on nothing undocumented; those places say so.

Tests drive it through plain methods: add records, queue faults (:meth:`StandIn.fail`), hook every
request (:attr:`StandIn.on_request`), and read :attr:`StandIn.log`.
"""

from __future__ import annotations

import itertools
import json
import operator
import re
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote

# §2.3: reads write timestamps in the account's zone, as in the docs' "2018-01-02 23:03:41 -0800".
ACCOUNT_ZONE = timezone(timedelta(hours=-8))
# §2.3: `page` may not exceed 30; `per_page` defaults to 25 and may not exceed 50.
MAX_PAGE, DEFAULT_PER_PAGE, MAX_PER_PAGE = 30, 25, 50
# §2.2: tokens expire two hours after they are made.
TOKEN_LIFETIME = 7200
# Seed 004: a second response or decline from one end user within 24 hours updates the last one.
SAME_FEEDBACK_SECONDS = 86_400
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}
_FILTER = re.compile(r"(created|updated)\[(\w+)\]")
_PROPERTY = re.compile(r"properties\[(.*)\]")
_FEEDBACK_PROPERTY = re.compile(r"end_user\[properties\]\[(.*)\]")


class FakeClock:
    """Time that moves only when something sleeps: shared by the stand-in and the client under
    test, so that waiting out a rate limit or a token's lifetime takes no real time."""

    def __init__(self, start: float = 1_699_999_980.0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def time(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


@dataclass(frozen=True)
class Logged:
    """One request as the stand-in saw it, and how it answered (``faulted``: a queued fault
    answered instead, touching no record, or cut the answer off)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    form: tuple[tuple[str, str], ...]
    status: int = 0
    faulted: bool = False

    @property
    def applied(self) -> bool:
        """Whether the API itself answered, and did what was asked."""
        return not self.faulted and self.status < 400

    @property
    def call(self) -> tuple[str, str, tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
        return (self.method, self.path, self.query, self.form)


@dataclass
class Fault:
    """What to do instead of answering the next request ``matching`` accepts."""

    kind: Literal["status", "cut", "rate_limited"]
    status: int = 500
    matching: Callable[[Logged], bool] = lambda request: True


@dataclass
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    cut: bool = False


class Refused(Exception):
    def __init__(self, status: int, kind: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.answer = Answer(status, error_list(kind, message, field))


def error_list(kind: str, message: str, field: str | None = None) -> dict[str, Any]:
    """§2.3: the error body the Android SDK parses and RudderStack's fixture shows (its shape is
    not in the docs)."""
    return {"type": "error_list", "errors": [{"status": kind, "message": message, "field": field}]}


def wootric_time(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, ACCOUNT_ZONE).strftime("%Y-%m-%d %H:%M:%S %z")


class StandIn:
    """The API of one account; ``clock`` gives Unix seconds (a :class:`FakeClock`'s, or real)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        rate_limit: int = 100,
        token_lifetime: int = TOKEN_LIFETIME,
    ) -> None:
        self.clock = clock
        self.rate_limit = rate_limit
        self.token_lifetime = token_lifetime
        self.account_token = "NPS-01fe3cbc"
        self.clients: dict[str, str] = {}
        self.logins: dict[str, str] = {}
        self.tokens: dict[str, float] = {}
        self.end_users: dict[int, dict[str, Any]] = {}
        self.responses: dict[int, dict[str, Any]] = {}
        self.declines: dict[int, dict[str, Any]] = {}
        self.log: list[Logged] = []
        self.faults: deque[Fault] = deque()
        self.on_request: Callable[[Logged], None] | None = None
        # Indexes, as the real API's database has: (field, value) to an end user's id, and
        # (kind, end user id) to their latest response or decline.
        self._owners: dict[tuple[str, str], int] = {}
        self._latest: dict[tuple[str, int], dict[str, Any]] = {}
        self._ids = itertools.count(486_438_462)
        # Reentrant: a request hook may call the methods tests call, such as revoke_tokens.
        self._lock = threading.RLock()
        self._window = (0, 0)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- running ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> StandIn:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.standin = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._server is not None
        assert self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # --- what tests set up -----------------------------------------------------------------

    def now(self) -> int:
        return int(self.clock())

    def add_end_user(self, **fields: Any) -> dict[str, Any]:
        now = self.now()
        user: dict[str, Any] = {
            "id": next(self._ids),
            "created_at": now,
            "updated_at": now,
            "email": None,
            "phone_number": None,
            "external_id": None,
            "external_created_at": None,
            "last_surveyed": None,
            "last_seen_at": None,
            "properties": {},
            "last_response": None,
            "settings": {
                "email_nps": True,
                "mobile_nps": True,
                "web_nps": True,
                "force_mobile_survey": False,
                "force_web_survey": False,
                "surveys_disabled_by_end_user": False,
            },
        }
        user.update(fields)
        self.end_users[user["id"]] = user
        self._index(user, {})
        return user

    def add_response(self, end_user_id: int, **fields: Any) -> dict[str, Any]:
        now = self.now()
        response: dict[str, Any] = {
            "id": next(self._ids),
            "end_user_id": end_user_id,
            "survey_id": 1,
            "score": 9,
            "text": None,
            "completed": True,
            "excluded_from_calculations": False,
            "ip_address": "192.0.2.1",
            "origin_url": "https://example.com/",
            "created_at": now,
            "updated_at": now,
            "tags": [],
            "notes": [],
            "end_user": {"properties": {}},
        }
        response.update(fields)
        self.responses[response["id"]] = response
        self._note_latest("responses", response)
        return response

    def add_decline(self, end_user_id: int, **fields: Any) -> dict[str, Any]:
        now = self.now()
        decline: dict[str, Any] = {
            "id": next(self._ids),
            "end_user_id": end_user_id,
            "survey_id": 1,
            "ip_address": None,
            "origin_url": "https://example.com/",
            "created_at": now,
            "updated_at": now,
            "end_user": {"properties": {}},
        }
        decline.update(fields)
        self.declines[decline["id"]] = decline
        self._note_latest("declines", decline)
        return decline

    def _index(self, user: dict[str, Any], before: dict[str, Any]) -> None:
        for name in ("email", "external_id"):
            if before.get(name):
                self._owners.pop((name, before[name]), None)
            if user[name]:
                self._owners[(name, user[name])] = user["id"]

    def _note_latest(self, kind: str, record: dict[str, Any]) -> None:
        key = (kind, record["end_user_id"])
        latest = self._latest.get(key)
        if latest is None or latest["created_at"] <= record["created_at"]:
            self._latest[key] = record

    def update_response(self, response_id: int, **changes: Any) -> None:
        """§2.5: a response is edited after it was created (tags, exclusion): only its
        ``updated_at`` moves, and no filter lists responses by it."""
        self.responses[response_id].update(changes, updated_at=self.now())

    def fail(
        self, count: int, kind: Literal["status", "cut", "rate_limited"], **options: Any
    ) -> None:
        """Answer the next ``count`` matching requests with a fault instead (the record is not
        touched: a balancer's 5xx, a 429, or a connection that breaks off in the body)."""
        self.faults.extend(Fault(kind, **options) for _ in range(count))

    def revoke_tokens(self) -> None:
        """Every token stops working at once, whatever its expiry said."""
        with self._lock:
            self.tokens.clear()

    def applied(self, method: str | None = None) -> list[Logged]:
        return [
            request
            for request in self.log
            if request.applied and (method is None or request.method == method)
        ]

    # --- answering -------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Any, body: bytes) -> Answer:
        path, _, query_text = target.partition("?")
        query = parse_qsl(query_text, keep_blank_values=True)
        form = parse_qsl(body.decode("utf-8"), keep_blank_values=True) if body else []
        request = Logged(method, path, tuple(query), tuple(form))
        with self._lock:
            if self.on_request is not None:
                self.on_request(request)
            answer, faulted = self._answer(request, headers)
            self.log.append(Logged(method, path, tuple(query), tuple(form), answer.status, faulted))
            return answer

    def _answer(self, request: Logged, headers: Any) -> tuple[Answer, bool]:
        fault = next((f for f in self.faults if f.matching(request)), None)
        limited = request.path.startswith("/v1/")
        limit_headers = self._count_rate(limited)
        if fault is not None:
            self.faults.remove(fault)
            if fault.kind == "rate_limited":
                return self._rate_limited(), True
            if fault.kind == "status":
                # The API's own 5xx: it still says how many calls are left.
                failed = Answer(fault.status, error_list("server_error", "Something went wrong"))
                failed.headers.update(limit_headers)
                return failed, True
        try:
            if limited and limit_headers.get("X-Rate-Limit-Remaining") == "-1":
                return self._rate_limited(), False
            if request.path == "/oauth/token" and request.method == "POST":
                answer = self._token(request, headers)
            else:
                self._authorize(headers)
                answer = self._route(request)
        except Refused as refused:
            answer = refused.answer
        if limited:
            answer.headers.update({k: v if v != "-1" else "0" for k, v in limit_headers.items()})
        if fault is not None:  # a cut: the request is handled, its answer breaks off
            answer.cut = True
        return answer, fault is not None

    def _count_rate(self, limited: bool) -> dict[str, str]:
        """§2.3: limits per account per minute, announced in X-Rate-Limit-* headers (the reset
        as epoch seconds); the docs' example limit is 100."""
        if not limited:
            return {}
        now = self.now()
        start = now - now % 60
        window, used = self._window
        used = used + 1 if window == start else 1
        self._window = (start, used)
        return {
            "X-Rate-Limit-Limit": str(self.rate_limit),
            "X-Rate-Limit-Remaining": str(max(self.rate_limit - used, -1)),
            "X-Rate-Limit-Reset": str(start + 60),
        }

    def _rate_limited(self) -> Answer:
        start = self.now() - self.now() % 60
        return Answer(
            429,
            error_list("too_many_requests", "Rate limit exceeded"),
            {
                "X-Rate-Limit-Limit": str(self.rate_limit),
                "X-Rate-Limit-Remaining": "0",
                "X-Rate-Limit-Reset": str(start + 60),
            },
        )

    def _token(self, request: Logged, headers: Any) -> Answer:
        """§2.2: password and client-credentials grants on POST /oauth/token."""
        query, form = dict(request.query), dict(request.form)
        if {"password", "client_secret"} & query.keys():
            # §2.2: the docs say never to put the password or client secret in the query.
            raise Refused(400, "invalid_request", "Credentials belong in the body")
        grant = form.get("grant_type")
        refresh = None
        if grant == "password":
            username = form.get("username", "")
            if self.logins.get(username) != form.get("password") or username not in self.logins:
                raise Refused(401, "invalid_grant", "The login or password is wrong")
            # §2.2: a login that reaches several accounts names one with ?account_token.
            if query.get("account_token", self.account_token) != self.account_token:
                raise Refused(401, "invalid_grant", "The login has no such account")
            refresh = secrets.token_hex(16)
        elif grant == "client_credentials":
            client_id = form.get("client_id", "")
            if client_id not in self.clients or self.clients[client_id] != form.get(
                "client_secret"
            ):
                raise Refused(401, "invalid_client", "The client id or secret is wrong")
        else:
            raise Refused(400, "unsupported_grant_type", "Unsupported grant type")
        token = secrets.token_hex(16)
        self.tokens[token] = self.now() + self.token_lifetime
        body: dict[str, Any] = {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.token_lifetime,
            "scope": "public",
            "created_at": self.now(),
        }
        if refresh is not None:
            # §2.2: the client-credentials answer has no refresh token.
            body["refresh_token"] = refresh
        return Answer(200, body)

    def _authorize(self, headers: Any) -> None:
        """§2.2: ``Authorization: Bearer``; §2.3: a bad or expired token is a 401."""
        value = headers.get("Authorization") or ""
        token = value.removeprefix("Bearer ")
        if not value.startswith("Bearer ") or self.tokens.get(token, 0) <= self.now():
            raise Refused(401, "unauthorized", "The access token is invalid or has expired")

    def _route(self, request: Logged) -> Answer:
        parts = [unquote(part) for part in request.path.split("/")[1:]]
        query, form = dict(request.query), request.form
        match request.method, parts:
            case "GET", ["v1", "end_users"]:
                return Answer(200, self._list_end_users(query))
            case "POST", ["v1", "end_users"]:
                return Answer(201, self._public_user(self._create_end_user(form)))
            case "GET", ["v1", "end_users", key]:
                return Answer(200, self._public_user(self._find_end_user(key, query)))
            case "PUT", ["v1", "end_users", key]:
                user = self._update_end_user(self._user_by_id(key), form)
                return Answer(200, self._public_user(user))
            case "POST", ["v1", "end_users", key, ("responses" | "declines") as kind]:
                return self._create_feedback(self._user_by_id(key), kind, form)
            case "GET", ["v1", ("responses" | "declines") as kind]:
                return Answer(200, self._list_feedback(kind, query))
        raise Refused(404, "record_not_found", "The record could not be found")

    def _find_end_user(self, key: str, query: dict[str, str]) -> dict[str, Any]:
        """§2.4: by id, or by email or external id with their lookup flags."""
        for flag, field_name in (
            ("lookup_by_email", "email"),
            ("lookup_by_external_id", "external_id"),
        ):
            if query.get(flag) == "true":
                owner = self._owners.get((field_name, key))
                if owner is None:
                    raise Refused(404, "record_not_found", "The record could not be found")
                return self.end_users[owner]
        return self._user_by_id(key)

    def _user_by_id(self, key: str) -> dict[str, Any]:
        user = self.end_users.get(int(key)) if key.isdecimal() else None
        if user is None:
            raise Refused(404, "record_not_found", "The record could not be found")
        return user

    def _create_end_user(self, form: tuple[tuple[str, str], ...]) -> dict[str, Any]:
        """§2.4: POST /v1/end_users. Email or phone number is required (the docs never mark email
        optional, and RudderStack creates users with a phone alone: §5.13, the strict reading of
        both). An external id is unique (§2.4); so is an email, one end user each."""
        fields = dict(form)
        if not fields.get("email") and not fields.get("phone_number"):
            raise Refused(400, "invalid", "Email or phone number is required", "email")
        self._check_unique(fields, None)
        user = self.add_end_user()
        return self._update_end_user(user, form)

    def _check_unique(self, fields: dict[str, str], user_id: int | None) -> None:
        for name in ("email", "external_id"):
            value = fields.get(name)
            if value and self._owners.get((name, value), user_id) != user_id:
                raise Refused(422, "taken", f"{name} has already been taken", name)

    def _update_end_user(
        self, user: dict[str, Any], form: tuple[tuple[str, str], ...]
    ) -> dict[str, Any]:
        """§2.4: PUT takes the create's fields, all optional. Given properties replace the stored
        set (the docs do not say; RudderStack merges before it writes, §3, which is what a
        replacing API needs)."""
        fields = dict(form)
        self._check_unique(fields, user["id"])
        before = dict(user)
        for name in ("email", "phone_number", "external_id"):
            if name in fields:
                user[name] = fields[name]
        self._index(user, before)
        for name in ("last_surveyed", "external_created_at"):
            if name in fields:
                user[name] = _unix(fields[name], name)
        properties = _properties(form, _PROPERTY)
        if properties is not None:
            user["properties"] = properties
        user["updated_at"] = self.now()
        return user

    def _create_feedback(
        self, user: dict[str, Any], kind: str, form: tuple[tuple[str, str], ...]
    ) -> Answer:
        """§2.5/§2.6: a response needs score 0-10, ip_address and origin_url (listed without
        "optional"); a decline needs nothing. end_user[properties] update the profile and are kept
        with the record."""
        fields = dict(form)
        created_at = _unix(fields["created_at"], "created_at") if "created_at" in fields else None
        record_fields: dict[str, Any] = {"origin_url": fields.get("origin_url")}
        if kind == "responses":
            score = fields.get("score", "")
            if not score.isdecimal() or not 0 <= int(score) <= 10:
                raise Refused(400, "invalid", "Score must be between 0 and 10", "score")
            for name in ("ip_address", "origin_url"):
                if not fields.get(name):
                    raise Refused(400, "invalid", f"{name} is required", name)
            record_fields.update(
                score=int(score), ip_address=fields["ip_address"], text=fields.get("text")
            )
        properties = _properties(form, _FEEDBACK_PROPERTY)
        if properties is not None:
            user["properties"] = properties
        when = created_at if created_at is not None else self.now()
        last = self._latest.get((kind, user["id"]))
        snapshot = {"properties": dict(user["properties"])}
        if last is not None and abs(last["created_at"] - when) < SAME_FEEDBACK_SECONDS:
            last.update(record_fields, end_user=snapshot, updated_at=self.now())
            record, status = last, 200
        else:
            add = self.add_response if kind == "responses" else self.add_decline
            record = add(user["id"], **record_fields, created_at=when, end_user=snapshot)
            status = 201
        if kind == "responses":
            user["last_response"] = {
                "id": record["id"],
                "score": record["score"],
                "text": record["text"],
                "survey": {"channel": "web"},
            }
        user["updated_at"] = self.now()
        return Answer(status, self._public_feedback(record))

    def _list_end_users(self, query: dict[str, str]) -> list[dict[str, Any]]:
        """§2.4: filters created/updated[eq|lt|lte|gt|gte] (gt and lt exclusive) and email;
        sort_key email|updated_at|created_at (default email), sort_order (default asc)."""
        rows = _filtered(self.end_users.values(), query)
        if "email" in query:
            rows = [u for u in rows if u["email"] == query["email"]]
        sort_key = query.get("sort_key", "email")
        if sort_key not in ("email", "updated_at", "created_at"):
            raise Refused(400, "invalid", "Unknown sort key", "sort_key")
        return [self._public_user(u) for u in _page(_sorted(rows, sort_key, query, "asc"), query)]

    def _list_feedback(self, kind: str, query: dict[str, str]) -> list[dict[str, Any]]:
        """§2.5/§2.6: filters created[...], sort_order (default desc). sort_key is documented for
        end users only; created_at is accepted, as the taps send it (§4.1, §5.15). No updated
        filter is documented, so one is ignored, as an unknown parameter would be."""
        store = self.responses if kind == "responses" else self.declines
        filters = {k: v for k, v in query.items() if not k.startswith("updated[")}
        rows = _filtered(store.values(), filters)
        if query.get("sort_key", "created_at") != "created_at":
            raise Refused(400, "invalid", "Unknown sort key", "sort_key")
        return [
            self._public_feedback(r)
            for r in _page(_sorted(rows, "created_at", query, "desc"), query)
        ]

    def _public_user(self, user: dict[str, Any]) -> dict[str, Any]:
        """§2.4's end user object."""
        public = dict(user, properties=dict(user["properties"]))
        for name in ("created_at", "updated_at", "last_surveyed", "last_seen_at"):
            public[name] = wootric_time(user[name])
        return public

    def _public_feedback(self, record: dict[str, Any]) -> dict[str, Any]:
        public = dict(record)
        public["created_at"] = wootric_time(record["created_at"])
        public["updated_at"] = wootric_time(record["updated_at"])
        return public


def _unix(text: str, name: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Refused(400, "invalid", f"{name} must be a Unix timestamp", name) from None


def _properties(
    form: tuple[tuple[str, str], ...], pattern: re.Pattern[str]
) -> dict[str, str] | None:
    found = {m[1]: value for key, value in form if (m := pattern.fullmatch(key))}
    return found or None


def _filtered(records: Iterable[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
    """The records that pass the query's ``created[op]`` and ``updated[op]`` filters."""
    tests: list[tuple[str, Callable[[Any, Any], bool], int]] = []
    for key, value in query.items():
        match = _FILTER.fullmatch(key)
        if match is None:
            continue
        if match[2] not in _OPERATORS:
            raise Refused(400, "invalid", "Unknown filter operator", key)
        tests.append((f"{match[1]}_at", _OPERATORS[match[2]], _unix(value, key)))
    return [r for r in records if all(test(r[name], bound) for name, test, bound in tests)]


def _sorted(
    rows: list[dict[str, Any]], key: str, query: dict[str, str], default: str
) -> list[dict[str, Any]]:
    order = query.get("sort_order", default)
    if order not in ("asc", "desc"):
        raise Refused(400, "invalid", "sort_order must be asc or desc", "sort_order")
    # Ties keep one order (by id) from request to request, as a database index would.
    if key == "email":
        return sorted(rows, key=lambda r: (r["email"] or "", r["id"]), reverse=order == "desc")
    return sorted(rows, key=operator.itemgetter(key, "id"), reverse=order == "desc")


def _page(rows: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
    """§2.3: page defaults to 1 and may not exceed 30; per_page defaults to 25, at most 50. What
    happens beyond the limits is not documented: the stand-in refuses."""
    page = _unix(query.get("page", "1"), "page")
    per_page = _unix(query.get("per_page", str(DEFAULT_PER_PAGE)), "per_page")
    if not 1 <= page <= MAX_PAGE:
        raise Refused(400, "invalid", f"page must be between 1 and {MAX_PAGE}", "page")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise Refused(400, "invalid", f"per_page must be between 1 and {MAX_PER_PAGE}", "per_page")
    return rows[(page - 1) * per_page : page * per_page]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without this a kept-alive connection waits 40 ms
    # for the client's delayed acknowledgement of the first.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def _serve(self, method: str) -> None:
        standin: StandIn = self.server.standin  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        answer = standin.handle(method, self.path, self.headers, body)
        payload = b"" if answer.body is None else json.dumps(answer.body).encode()
        try:
            self.send_response(answer.status, HTTPStatus(answer.status).phrase)
            # §2.1: every answer, errors included, is JSON.
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if answer.cut:
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
            else:
                self.wfile.write(payload)
        except OSError:
            # The client went away (a test killed it): nothing left to answer.
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the log that matters is :attr:`StandIn.log`."""
