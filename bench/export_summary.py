"""`make bench`: time and peak memory of the classification summary of a 40 000-person tree.

Issue 5 asks that a large summary streams in constant memory; issue 7 sets the targets (under
20 s and 300 MB). A synthetic SQLite database is built once with bulk inserts and cached under
`instance/bench/` (git-ignored); each export then runs in a fresh interpreter, so its peak
resident memory is the export's own and not the generator's. A 4 000-person subtree of the
same database gives the floor: memory that grows with the rows shows up as a ratio far from 1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "instance" / "bench"
RESULTS = ROOT / "bench" / "results" / "export_summary.json"
YEAR = 2026
SCHEMA_VERSION = 1  # bump when the generated data changes, to rebuild the cache

# The tree: a province, 10 departments, 10 agencies under each, 14 divisions under each agency
# (1 511 units); 40 000 people spread over the divisions, 4 000 under each department.
DEPARTMENTS = 10
AGENCIES_PER_DEPARTMENT = 10
DIVISIONS_PER_AGENCY = 14
PEOPLE = 40_000
TARGET_SECONDS = 20.0
TARGET_MB = 300.0

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hương", "Hà", "Khánh", "Linh", "Nam", "Phúc", "Quỳnh",
         "Sơn", "Tâm", "Thảo", "Trung", "Vy", "Yến", "Đạt", "Hạnh", "Lộc"]  # fmt: skip
POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Cán sự", "Kế toán viên", "Thanh tra viên"]


@dataclass(frozen=True)
class Measure:
    """One export, measured in its own process."""

    label: str
    people: int
    seconds: float
    peak_mb: float  # the child's peak resident set (VmHWM): the figure issue 7 limits
    baseline_mb: float  # the same peak after imports and app start, before the export
    traced_mb: float  # the export's peak of Python allocations (tracemalloc)
    workbook_mb: float


# --- the synthetic organisation -------------------------------------------------------------


def database_path() -> Path:
    return CACHE / f"summary-{PEOPLE}-v{SCHEMA_VERSION}.sqlite3"


def build(path: Path) -> float:
    """Migrate an empty database to head and fill it with Core executemany; returns seconds."""
    from alembic import command

    from criteria import Level, StaffCategory
    from evaluation.core.cli import alembic_config
    from evaluation.organisation.models import LeadershipRole, Person, Unit, UnitKind
    from evaluation.scoring.models import AnnualEvaluation

    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    url = f"sqlite:///{partial}"
    command.upgrade(alembic_config(url), "head")

    units: list[dict] = []
    divisions: list[dict] = []

    def unit(name: str, kind: UnitKind, parent: dict | None) -> dict:
        row = {
            "id": len(units) + 1,
            "code": f"B{len(units) + 1:05d}",
            "name": name,
            "kind": kind,
            "parent_id": parent["id"] if parent else None,
            "depth": parent["depth"] + 1 if parent else 0,
        }
        row["path"] = f"{parent['path'] if parent else '/'}{row['id']}/"
        units.append(row)
        return row

    root = unit("UBND tỉnh Bench", UnitKind.AGENCY, None)
    for d in range(1, DEPARTMENTS + 1):
        department = unit(f"Sở số {d}", UnitKind.AGENCY, root)
        for a in range(1, AGENCIES_PER_DEPARTMENT + 1):
            agency = unit(f"Chi cục {d}.{a}", UnitKind.AGENCY, department)
            for v in range(1, DIVISIONS_PER_AGENCY + 1):
                divisions.append(unit(f"Phòng {v} - Chi cục {d}.{a}", UnitKind.DIVISION, agency))

    rng = random.Random(20260101)
    levels = [Level.XUAT_SAC, Level.TOT, Level.HOAN_THANH, Level.KHONG_HOAN_THANH]
    weights = [12, 58, 27, 3]
    categories = [StaffCategory.CONG_CHUC, StaffCategory.VIEN_CHUC, StaffCategory.NGUOI_LAO_DONG]
    decided_at = datetime(YEAR, 12, 20, 3, 0, tzinfo=UTC)
    people: list[dict] = []
    evaluations: list[dict] = []
    for number in range(1, PEOPLE + 1):
        division = divisions[(number - 1) * len(divisions) // PEOPLE]
        head = (number - 1) % (PEOPLE // len(divisions)) == 0
        category = rng.choice(categories)
        people.append(
            {
                "id": number,
                "code": f"NV{number:06d}",
                "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                "category": category,
                "job_position": "Trưởng phòng" if head else rng.choice(POSITIONS),
                "unit_id": division["id"],
                "leadership_role": LeadershipRole.HEAD if head else LeadershipRole.NONE,
            }
        )
        level = rng.choices(levels, weights)[0]
        decided = rng.random() < 0.9
        evaluations.append(
            {
                "person_id": number,
                "year": YEAR,
                "unit_id": division["id"],
                "category": category,
                "leader": head,
                "rulebook": "nd90@1",
                "computed_level": level,
                "computed_points": Decimal(rng.randint(4500, 9800)) / 100,
                "final_level": level if decided else None,
                "decided_at": decided_at if decided else None,
            }
        )

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA synchronous=OFF")
        connection.execute(sa.insert(Unit.__table__), units)
        connection.execute(sa.insert(Person.__table__), people)
        connection.execute(sa.insert(AnnualEvaluation.__table__), evaluations)
    engine.dispose()
    partial.replace(path)
    return time.perf_counter() - started


def subset_unit_id(path: Path) -> int:
    """The first department: a tenth of the people."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        unit_id = connection.scalar(sa.text("SELECT id FROM unit WHERE name = 'Sở số 1'"))
    engine.dispose()
    return int(unit_id)


# --- one export in a fresh process ------------------------------------------------------------


def memory_mb() -> tuple[float, float]:
    """Resident set now and its peak, in MB, for this process image only.

    Linux's VmHWM starts afresh at exec; `ru_maxrss` would also carry the peak of the parent
    that forked us (the generator, holding 80 000 rows), so it is only the fallback.
    """
    try:
        status = dict(
            line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines()
        )
        return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak


def child(url: str, unit_id: int, trace: bool) -> None:
    """Run one export and print its figures as JSON (the parent reads the last line).

    With `trace`, tracemalloc also counts the Python objects the export holds at its peak;
    it slows the export, so that run's time is not reported."""
    from evaluation import create_app
    from evaluation.core.db import db
    from evaluation.organisation.models import Unit
    from evaluation.reports import services

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.test_request_context():
        unit = db.session.get(Unit, unit_id)
        baseline = memory_mb()[1]
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        export = services.classification_summary(
            db.session, unit, YEAR, agency_name="UBND tỉnh Bench", today=date(YEAR, 12, 31)
        )
        size = len(export.stream.getbuffer())
        seconds = time.perf_counter() - started
        traced = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if trace else None
    figures = {
        "seconds": seconds,
        "peak_mb": memory_mb()[1],
        "baseline_mb": baseline,
        "traced_mb": traced,
        "bytes": size,
    }
    print(json.dumps(figures))


def run_child(path: Path, unit_id: int, *, trace: bool = False) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.export_summary", "--child", str(path), str(unit_id)]
    output = subprocess.run(
        command + (["--trace"] if trace else []),
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure(label: str, people: int, path: Path, unit_id: int) -> Measure:
    """Time and peak RSS from a plain run; the Python heap's peak from a traced one."""
    figures = run_child(path, unit_id)
    traced = run_child(path, unit_id, trace=True)["traced_mb"]
    return Measure(
        label,
        people,
        round(figures["seconds"], 2),
        round(figures["peak_mb"], 1),
        round(figures["baseline_mb"], 1),
        round(traced, 1),
        round(figures["bytes"] / 1024 / 1024, 2),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("DATABASE", "UNIT_ID"), help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached database")
    args = parser.parse_args()
    if args.child:
        child(f"sqlite:///{args.child[0]}", int(args.child[1]), args.trace)
        return

    path = database_path()
    if args.rebuild:
        path.unlink(missing_ok=True)
    build_seconds = None
    if path.exists():
        print(f"Reusing {path.relative_to(ROOT)}")
    else:
        print(f"Building {path.relative_to(ROOT)} ({PEOPLE:,} people) …")
        build_seconds = round(build(path), 1)
        print(f"  built in {build_seconds} s")

    subset = measure(f"{PEOPLE // DEPARTMENTS:,} people", PEOPLE // DEPARTMENTS, path,
                     subset_unit_id(path))  # fmt: skip
    full = measure(f"{PEOPLE:,} people", PEOPLE, path, 1)
    rows = [subset, full]

    print()
    print(f"{'summary export':<16} {'time (s)':>9} {'peak RSS (MB)':>14} {'before (MB)':>12} "
          f"{'Python heap peak (MB)':>22} {'file (MB)':>10}")  # fmt: skip
    for row in rows:
        print(f"{row.label:<16} {row.seconds:>9.2f} {row.peak_mb:>14.1f} {row.baseline_mb:>12.1f} "
              f"{row.traced_mb:>22.1f} {row.workbook_mb:>10.2f}")  # fmt: skip
    print(f"\n10× the rows: {full.seconds / subset.seconds:.1f}× the time, "
          f"{full.peak_mb / subset.peak_mb:.2f}× the peak RSS, "
          f"{full.traced_mb / max(subset.traced_mb, 0.1):.1f}× the Python heap peak "
          "(the finished file is held in memory: it is the response body)")  # fmt: skip
    meets = full.seconds < TARGET_SECONDS and full.peak_mb < TARGET_MB
    print(f"Targets (issue 7): under {TARGET_SECONDS:g} s and {TARGET_MB:g} MB — "
          + ("met" if meets else "NOT met"))  # fmt: skip

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": str(path.relative_to(ROOT)),
                "build_seconds": build_seconds,
                "targets": {"seconds": TARGET_SECONDS, "peak_mb": TARGET_MB},
                "targets_met": meets,
                "exports": [asdict(row) for row in rows],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
