"""The documented start's settings (gunicorn.conf.py) that are code, not values."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_a_started_worker_hides_what_it_loaded_from_the_cycle_collector():
    settings = runpy.run_path(str(CONF))
    before = gc.get_freeze_count()
    try:
        settings["post_worker_init"](object())
        assert gc.get_freeze_count() > before  # the loaded objects are frozen
        assert gc.get_freeze_count() >= len(gc.get_objects()) // 2
    finally:
        gc.unfreeze()
