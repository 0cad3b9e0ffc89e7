"""`make bench`: one table of figures, each beside its floor measured in the same run.

    python -m bench [--database URL] [--people 40000] [--only year-end,pages,…]

Builds (once) or reuses the generated province, then measures the year-end computation, the
SQL statements per page, the main pages under concurrent load through gunicorn, the
classification export and a staff import. Results go to `bench/results/<backend>.json` and
`<backend>.png`, so runs on SQLite and PostgreSQL, or before and after a change, compare.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bench import (
    export_summary,
    http_load,
    profile,
    province,
    staff_import,
    statements,
    year_end,
)
from bench.table import Row

RESULTS = Path(__file__).resolve().parent / "results"
SECTIONS: dict[str, Callable[..., list[Row]]] = {
    "year-end": lambda url, args: year_end.run(url),
    "statements": lambda url, args: statements.run(url),
    "pages": lambda url, args: http_load.run(url, users=args.users, seconds=args.seconds),
    "export": lambda url, args: export_summary.run(url),
    "import": lambda url, args: staff_import.run(url, people=args.import_people),
    "profile": lambda url, args: profile.run(url),
}


def _figure(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    whole = abs(value) >= 100 or float(value).is_integer()
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return f"{text} {unit}".rstrip()


def table(rows: Sequence[Row]) -> str:
    """Plain text, one line per figure: what, value, floor, ratio, target, verdict."""
    header = ("section", "measure", "value", "floor", "× floor", "target", "")
    lines = [header]
    for row in rows:
        verdict = {True: "ok", False: "MISSED", None: ""}[row.meets_target]
        lines.append(
            (
                row.section,
                row.label,
                _figure(row.value, row.unit),
                _figure(row.floor, row.unit),
                _figure(row.ratio) if row.ratio is not None else "—",
                _figure(row.target, row.unit) if row.target is not None else "",
                verdict,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = [
        "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    ]
    rendered.insert(1, "-" * len(rendered[0]))
    return "\n".join(rendered)


def chart(rows: Sequence[Row], title: str, path: Path) -> None:
    """Each figure as a share of its target (bars) and its ratio to its floor (labels)."""
    import matplotlib

    matplotlib.use("Agg")  # files only: the machines have no screen
    import matplotlib.pyplot as plt

    shown = [row for row in rows if row.target]
    labels = [f"{row.section}: {row.label}" for row in shown]
    shares = [100 * row.value / row.target for row in shown]
    colours = ["#2e7d32" if row.meets_target else "#c62828" for row in shown]
    figure, axes = plt.subplots(figsize=(10, 0.45 * len(shown) + 1.6))
    bars = axes.barh(labels, shares, color=colours)
    axes.axvline(100, color="#333", linestyle="--", linewidth=1)
    axes.invert_yaxis()
    axes.set_xlabel("% of the issue's target (dashed line: the target)")
    axes.set_title(title, fontsize=10)
    for bar, row in zip(bars, shown, strict=True):
        ratio = f"  {_figure(row.value, row.unit)}; {row.ratio}× floor" if row.ratio else ""
        middle = bar.get_y() + bar.get_height() / 2
        axes.text(bar.get_width(), middle, ratio, va="center", fontsize=8)
    axes.set_xlim(0, max([*shares, 100]) * 1.45)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="default: a SQLite file under instance/bench/")
    parser.add_argument("--people", type=int, default=40_000)
    parser.add_argument("--only", help="comma-separated sections: " + ", ".join(SECTIONS))
    parser.add_argument("--users", type=int, default=50, help="people per page, and mixed")
    parser.add_argument("--seconds", type=float, default=15.0, help="load per page")
    parser.add_argument("--import-people", type=int, default=10_000)
    parser.add_argument(
        "--name", help="results file name, default the backend (another province size, a trial)"
    )
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(SECTIONS)
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")

    url = args.database or province.default_url(args.people)
    built = province.ensure(url, args.people)
    print(
        f"Province: {built.people:,} people, {built.units:,} units, {built.tasks:,} tasks on "
        f"{built.backend}" + (f" (built in {built.build_seconds} s)" if built.build_seconds else "")
    )
    rows: list[Row] = []
    for name in chosen:
        print(f"… {name}", flush=True)
        rows += SECTIONS[name](url, args)

    print()
    print(table(rows))
    RESULTS.mkdir(parents=True, exist_ok=True)
    measured_at = datetime.now(UTC).isoformat(timespec="seconds")
    record = {
        "measured_at": measured_at,
        "backend": built.backend,
        "database": make_url(url).render_as_string(hide_password=True),
        "province": dataclasses.asdict(built) | {"database_url": None},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "rows": [row.to_dict() for row in rows],
    }
    name = args.name or built.backend
    target = RESULTS / f"{name}.json"
    target.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    picture = RESULTS / f"{name}.png"
    title = f"danhgia make bench — {built.backend}, {built.people:,} people, {measured_at}"
    chart(rows, title, picture)
    print(f"\nWritten: {target.relative_to(Path.cwd())}, {picture.relative_to(Path.cwd())}")


if __name__ == "__main__":
    main()
