"""Python's cycle collector paused around work that holds many small objects at once.

A staff import or a province's year-end holds a few hundred thousand small objects (rows,
tuples, facts) until it ends; each full pass of the collector walks them all again (a third of
an import's preview, a third of the year-end's time). Reference counting still frees everything
as it goes; cycles wait until the work is done.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_PAUSES = {"depth": 0, "was_enabled": True}
_PAUSES_LOCK = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off while the block runs. Nested and concurrent pauses (an import and a
    close in two threads) share one: the collector is back on when the last ends, and stays
    off if someone had turned it off before."""
    with _PAUSES_LOCK:
        if _PAUSES["depth"] == 0:
            _PAUSES["was_enabled"] = gc.isenabled()
            gc.disable()
        _PAUSES["depth"] += 1
    try:
        yield
    finally:
        with _PAUSES_LOCK:
            _PAUSES["depth"] -= 1
            if _PAUSES["depth"] == 0 and _PAUSES["was_enabled"]:
                gc.enable()
