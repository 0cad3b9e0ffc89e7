"""The query string of a filtered list: what was searched, which filters, which page.

Lists read their filters with these, so a link with an unknown or hostile value shows the
unfiltered list instead of an error, and the pager's links carry the same arguments back."""

from __future__ import annotations

import enum
from typing import TypeVar

from flask import abort, request

E = TypeVar("E", bound=enum.Enum)

# A person's name is at most this long, so a longer search finds nobody anyway.
SEARCH_MAX = 120


def search_arg() -> str:
    """What was typed in a search box (`?q=`), bounded."""
    return (request.args.get("q") or "").strip()[:SEARCH_MAX]


def enum_arg(name: str, kind: type[E]) -> E | None:
    """A filter's value from the query string; anything unknown means no filter."""
    value = request.args.get(name) or ""
    return next((member for member in kind if member.value == value), None)


def page_arg(pages: int) -> int:
    """The page asked for (`?page=`, 1 by default); 404 beyond the last page."""
    page = request.args.get("page", default=1, type=int)
    if not 1 <= page <= pages:
        abort(404)
    return page
