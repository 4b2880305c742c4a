"""The page a call was made on, and the analytics.js page defaults drawn from it.

The executor captures raw facts at the moment of the call (so a queued call keeps the URL and title
it was made on); the rules that turn them into ``path``/``url``/… live here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .values import is_mapping


@dataclass(frozen=True, slots=True)
class PageContext:
    """What the page looked like when a call was made. ``None`` means unknown."""

    href: str | None = None
    pathname: str | None = None
    search: str | None = None
    referrer: str | None = None
    title: str | None = None
    canonical: str | None = None
    """The raw ``href`` attribute of the first ``<link rel="canonical">``."""

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        referrer: str | None = None,
        title: str | None = None,
        canonical: str | None = None,
    ) -> PageContext:
        """The context of a page at ``url``, as ``window.location`` would describe it."""
        parts = urlsplit(url)
        return cls(
            href=url,
            pathname=parts.path or "/",
            search=f"?{parts.query}" if parts.query else "",
            referrer=referrer,
            title=title,
            canonical=canonical,
        )

    @classmethod
    def from_location(cls, location: str | Mapping[str, object] | PageContext) -> PageContext:
        """The context from a URL, a ready :class:`PageContext`, or a mapping of its fields
        (``url`` is accepted for ``href``; ``pathname`` and ``search`` default to the URL's)."""
        if isinstance(location, PageContext):
            return location
        if isinstance(location, str):
            return cls.from_url(location)
        given = cls.from_wire({"href": location.get("url"), **location})
        if given.href is None:
            return given
        derived = cls.from_url(given.href)
        return cls(
            href=given.href,
            pathname=given.pathname if given.pathname is not None else derived.pathname,
            search=given.search if given.search is not None else derived.search,
            referrer=given.referrer,
            title=given.title,
            canonical=given.canonical,
        )

    @classmethod
    def from_wire(cls, raw: object) -> PageContext:
        """The context from a call message's ``page`` object; anything malformed is unknown."""
        if not is_mapping(raw):
            return cls()

        def text(key: str) -> str | None:
            value = raw.get(key)
            return value if isinstance(value, str) else None

        return cls(
            href=text("href"),
            pathname=text("pathname"),
            search=text("search"),
            referrer=text("referrer"),
            title=text("title"),
            canonical=text("canonical"),
        )


def page_defaults(context: PageContext) -> dict[str, str]:
    """analytics.js's defaults for ``path``, ``referrer``, ``search``, ``title`` and ``url``."""
    defaults: dict[str, str] = {}
    if context.referrer is not None:
        defaults["referrer"] = context.referrer
    if context.search is not None:
        defaults["search"] = context.search
    if context.title is not None:
        defaults["title"] = context.title
    path, url = _canonical_path_and_url(context)
    if path is not None:
        defaults["path"] = path
    if url is not None:
        defaults["url"] = url
    return defaults


def _canonical_path_and_url(context: PageContext) -> tuple[str | None, str | None]:
    canonical = context.canonical
    if not canonical:
        url = context.href.split("#", 1)[0] if context.href is not None else None
        return context.pathname, url
    # The url keeps the canonical link as written; its path is read after resolving it against
    # the page, as an anchor element would.
    url = canonical if "?" in canonical else canonical + (context.search or "")
    resolved = urljoin(context.href, canonical) if context.href else canonical
    path = urlsplit(resolved).path or "/"
    return (path if path.startswith("/") else f"/{path}"), url
