"""Flame graphs of where the time goes, kept beside the figures in `bench/results/`.

pyinstrument (a sampling profiler) records, in process, the uncached ranking of all units of
a closed year (stored sums read, the tree rolled up, the page rendered), the same page served
from its cached rendering, and the year-end computation. Each profile is written as an HTML
page, `<backend>-<what>.html`, to open in a browser.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from bench.statements import _app, _province
from bench.table import Row

RESULTS = Path(__file__).resolve().parent / "results"
REPEAT = 20


def run(database_url: str, *, year: int | None = None) -> list[Row]:
    from pyinstrument import Profiler
    from sqlalchemy.engine import make_url

    from bench.http_load import pick_pages, store_sums
    from evaluation.core import page_cache
    from evaluation.core.db import db
    from evaluation.demo.generator import PASSWORD
    from evaluation.yearend.services import year_end

    backend = make_url(database_url).get_backend_name()
    year, pages = pick_pages(database_url, year)
    store_sums(database_url, year)
    ranking = next(page for page in pages if page.name.startswith("ranking"))
    app = _app(database_url)
    province = _province(app)
    client = app.test_client()
    response = client.post("/login", data={"username": province.admin, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {province.admin} failed ({response.status_code})")
    rows = []

    def profile(name: str, work: object) -> float:
        profiler = Profiler(interval=0.001)
        started = time.perf_counter()
        profiler.start()
        work()  # type: ignore[operator]
        profiler.stop()
        seconds = time.perf_counter() - started
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{backend}-{name}.html").write_text(profiler.output_html())
        return seconds

    def uncached() -> None:
        for _ in range(REPEAT):
            app.extensions["page_cache"] = page_cache.MemoryFragments()  # render every time
            assert client.get(ranking.path).status_code == 200

    def cached() -> None:
        for _ in range(REPEAT):
            assert client.get(ranking.path).status_code == 200

    for name, work in (("ranking-uncached", uncached), ("ranking-cached", cached)):
        seconds = profile(name, work)
        rows.append(
            Row(
                section="profile",
                label=f"ranking of all units, {name.split('-')[1]}",
                value=round(1000 * seconds / REPEAT, 1),
                unit="ms",
                details={"url": ranking.path, "requests": REPEAT,
                         "flame_graph": f"bench/results/{backend}-{name}.html"},
            )
        )  # fmt: skip

    def year_end_once() -> None:
        with app.app_context():
            session = db.new_session()
            year_end(session, year, date(year + 1, 1, 20))
            session.rollback()
            session.close()

    seconds = profile("year-end", year_end_once)
    rows.append(
        Row(
            section="profile",
            label="year-end computation",
            value=round(seconds, 2),
            unit="s",
            details={"flame_graph": f"bench/results/{backend}-year-end.html"},
        )
    )
    db.engine_of(app).dispose()
    return rows
