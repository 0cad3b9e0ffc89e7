"""Time and peak memory of the classification summary of the whole province (40 000 rows).

Issue 5 asks that a large summary streams in constant memory; issue 7 sets the targets (under
20 s and 300 MB). Each export runs in a fresh interpreter, so its peak resident memory is the
export's own and not the generator's or another benchmark's. Two floors come from the same
child: reading the same evaluation rows with one query (time), and the process's peak after
the application has started, before the export (memory). The largest department is measured
too: if memory grew with the rows, the whole province's peak would stand out from its peak.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from bench.table import Row

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 20.0
TARGET_MB = 300.0


def memory_mb() -> tuple[float, float]:
    """Resident set now and its peak, in MB, for this process image only.

    Linux's VmHWM starts afresh at exec; `ru_maxrss` would also carry the peak of the parent
    that forked us, so it is only the fallback.
    """
    try:
        status = dict(
            line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines()
        )
        return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak


def child(url: str, unit_id: int, year: int) -> None:
    """Read the rows once (the floor), then export; print the figures as JSON."""
    from evaluation import create_app
    from evaluation.core.db import db
    from evaluation.organisation.models import Person, Unit
    from evaluation.reports import services
    from evaluation.scoring.models import AnnualEvaluation

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.test_request_context():
        unit = db.session.get(Unit, unit_id)
        baseline = memory_mb()[1]
        started = time.perf_counter()
        rows = db.session.execute(
            sa.select(Person.code, Person.full_name, Unit.name, AnnualEvaluation.computed_level)
            .join(AnnualEvaluation, AnnualEvaluation.person_id == Person.id)
            .join(Unit, AnnualEvaluation.unit_id == Unit.id)
            .where(AnnualEvaluation.year == year, Unit.path.startswith(unit.path))
        ).all()
        floor_seconds = time.perf_counter() - started
        count = len(rows)
        del rows
        started = time.perf_counter()
        export = services.classification_summary(
            db.session, unit, year, agency_name=unit.name, today=date(year + 1, 1, 20)
        )
        size = len(export.stream.getbuffer())
        seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "floor_seconds": floor_seconds,
                "rows": count,
                "peak_mb": memory_mb()[1],
                "baseline_mb": baseline,
                "bytes": size,
            }
        )
    )


def measure(url: str, unit_id: int, year: int) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.export_summary", "--child", url]
    command += [str(unit_id), str(year)]
    output = subprocess.run(  # nosec B603 - our own interpreter and module, no shell
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _units(url: str) -> tuple[int, int, int]:
    """The province's root, its largest department, and the year evaluated."""
    from evaluation.organisation.models import Person, Unit
    from evaluation.scoring.models import AnnualEvaluation

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        root = connection.scalar(sa.select(Unit.id).where(Unit.parent_id.is_(None)).limit(1))
        year = connection.scalar(sa.select(sa.func.max(AnnualEvaluation.year)))
        departments = sa.select(Unit.id, Unit.path).where(Unit.parent_id == root).subquery()
        department = connection.scalar(
            sa.select(departments.c.id)
            .join(Unit, Unit.path.startswith(departments.c.path))
            .join(Person, Person.unit_id == Unit.id)
            .group_by(departments.c.id)
            .order_by(sa.func.count().desc(), departments.c.id)
            .limit(1)
        )
    engine.dispose()
    return int(root), int(department), int(year)


def run(database_url: str) -> list[Row]:
    root, department, year = _units(database_url)
    part = measure(database_url, department, year)
    whole = measure(database_url, root, year)
    details = {
        "year": year,
        "rows": whole["rows"],
        "workbook_mb": round(whole["bytes"] / 1024 / 1024, 2),
        "department_rows": part["rows"],
        "department_s": round(part["seconds"], 2),
        "department_peak_mb": round(part["peak_mb"], 1),
    }
    return [
        Row(
            section="export",
            label=f"classification export, {whole['rows']:,} people",
            value=round(whole["seconds"], 2),
            unit="s",
            floor=round(whole["floor_seconds"], 2),
            floor_label="one query reading the same rows",
            target=TARGET_SECONDS,
            details=details,
        ),
        Row(
            section="export",
            label="classification export, peak memory",
            value=round(whole["peak_mb"], 1),
            unit="MB",
            floor=round(whole["baseline_mb"], 1),
            floor_label="the same process before the export",
            target=TARGET_MB,
            details=details,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a generated province (see bench.province)")
    parser.add_argument("--child", nargs=3, metavar=("URL", "UNIT", "YEAR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), int(args.child[2]))
        return
    for row in run(args.database):
        print(json.dumps(row.to_dict(), ensure_ascii=False))


if __name__ == "__main__":
    main()
