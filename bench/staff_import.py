"""`make bench`: time and peak memory of a 10 000-person staff import (issues 7 and 17).

A staff workbook in the template's columns places new people in the units of an existing
province. A fresh interpreter then runs what the web routes run, step by step: the upload
(parse, validate, store the pending batch), the preview page's recomputation, and the
confirmation; its peak resident memory is measured against its own baseline after app start,
and merely reading the same workbook with openpyxl gives the floor. Afterwards the people,
their placements, the batch, their audit records and the account made for the run are
deleted again, so the province stays as the other benchmarks expect it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bench.table import Row

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 10_000
# Issue 17: the whole import (upload, preview page, confirmation) of 10 000 people in under
# 5 s; it took 13.5 s on SQLite and 24.3 s on PostgreSQL, most of it confirming person by person.
TARGET_SECONDS = 5.0
DEPUTY_SHARE = 0.05  # about one in twenty rows names a deputy, the rest hold no post

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hương", "Hà", "Khánh", "Linh", "Nam", "Phúc", "Quỳnh",
         "Sơn", "Tâm", "Thảo", "Trung", "Vy", "Yến", "Đạt", "Hạnh", "Lộc"]  # fmt: skip
POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Cán sự", "Kế toán viên", "Viên chức"]


# --- the workbook -----------------------------------------------------------------------------


def write_workbook(path: Path, prefix: str, unit_codes: list[str], people: int) -> None:
    """A filled-in staff template: every column the parser reads, values as offices type them
    (dates as date cells or dd/mm/yyyy text, blank roles and e-mails), units spread evenly."""
    import xlsxwriter

    from criteria.levels import StaffCategory
    from evaluation.imports import staff
    from evaluation.organisation.models import LeadershipRole

    rng = random.Random(f"staff-import:{people}")
    categories = [category.label for category in StaffCategory]
    deputy = staff.ROLE_LABELS[LeadershipRole.DEPUTY][0]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, columns in staff.template():
        sheet = book.add_worksheet(name)
        for index, column in enumerate(columns):
            sheet.write_string(
                0, index, f"{column.header} (*)" if column.required else column.header
            )
        if name != staff.PEOPLE_SHEET:
            continue  # no new units: the people go into the province's own
        keys = [column.key for column in columns]
        for number in range(1, people + 1):
            code = f"{prefix}{number:05d}"
            born = date(rng.randint(1966, 2002), rng.randint(1, 12), rng.randint(1, 28))
            values: dict[str, Any] = {
                "code": code,
                "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                "date_of_birth": born if number % 2 else f"{born:%d/%m/%Y}",
                "category": rng.choice(categories),
                "job_position": rng.choice(POSITIONS),
                "unit": unit_codes[number % len(unit_codes)],
                # the office serving the top names no leaders of the top itself (issue 11)
                "role": deputy
                if rng.random() < DEPUTY_SHARE and number % len(unit_codes)
                else None,
                "email": f"{code.lower()}@bench.invalid" if number % 3 else None,
            }
            for index, key in enumerate(keys):
                value = values[key]
                if isinstance(value, date):
                    sheet.write_datetime(number, index, value, day)
                elif value is not None:
                    sheet.write_string(number, index, value)
    book.close()


# --- the province: who imports, where to, and putting it back ---------------------------------


@contextmanager
def unit_of_work(url: str) -> Iterator[Session]:
    """One committed transaction through the application's own session, so its listeners
    (the stored sums' revisions) see the bench's writes as they see any other."""
    from evaluation import create_app
    from evaluation.core.db import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    try:
        with app.app_context(), db.transaction() as session:
            yield session
    finally:
        db.engine_of(app).dispose()


def prepare(url: str, prefix: str) -> tuple[int, list[str]]:
    """A personnel account serving the top of the tree, and the unit codes it reaches.

    The account is made for the run, on a person of its own, and removed with the import: a
    generated province has no personnel office account, and using a real one would discard
    its pending uploads (a new upload replaces them). Returns (account id, unit codes)."""
    from criteria.levels import StaffCategory
    from evaluation.accounts.models import AccountRole, User
    from evaluation.core.clock import local_today
    from evaluation.organisation import services as organisation
    from evaluation.organisation.models import Unit

    with unit_of_work(url) as session:
        top = session.scalars(sa.select(Unit).order_by(Unit.depth, Unit.id)).first()
        if top is None:
            raise SystemExit("The database has no units: generate a province first.")
        codes = list(
            session.scalars(
                sa.select(Unit.code).where(Unit.path.startswith(top.path)).order_by(Unit.path)
            )
        )
        person = organisation.place_new_person(
            session,
            code=f"{prefix}TCCB",
            full_name="Phòng Tổ chức (đo nhập nhân sự)",
            category=StaffCategory.CONG_CHUC,
            job_position="Chuyên viên",
            unit=top,
            starts_on=local_today(),
        )
        account = User(
            username=f"{prefix.lower()}tccb",
            password_hash="!",  # matches no password: nobody signs in to it
            role=AccountRole.PERSONNEL,
            person=person,
            served_unit=top,
        )
        session.add(account)
        session.flush()
        return account.id, codes


def clean_up(url: str, prefix: str, account_id: int) -> dict[str, int]:
    """Delete what the run added: the people of its prefix with their placements, the run's
    account with its import batches, and every audit record about them or by the account."""
    from evaluation.accounts.models import User
    from evaluation.core.audit import AuditRecord
    from evaluation.imports.models import ImportBatch
    from evaluation.organisation.models import Person, Placement

    ours = sa.select(Person.id).where(Person.code.startswith(prefix, autoescape=True))
    batches = sa.select(ImportBatch.id).where(ImportBatch.created_by_id == account_id)
    audited = sa.or_(
        AuditRecord.actor_id == account_id,
        sa.and_(AuditRecord.object_type == "person", AuditRecord.object_id.in_(ours)),
        sa.and_(AuditRecord.object_type == "import_batch", AuditRecord.object_id.in_(batches)),
    )
    statements = [
        ("audit records", sa.delete(AuditRecord).where(audited)),
        ("import batches", sa.delete(ImportBatch).where(ImportBatch.created_by_id == account_id)),
        ("accounts", sa.delete(User).where(User.id == account_id)),
        ("placements", sa.delete(Placement).where(Placement.person_id.in_(ours))),
        ("people", sa.delete(Person).where(Person.id.in_(ours))),
    ]
    quick = {"synchronize_session": False}  # nothing of these is loaded in the session
    with unit_of_work(url) as session:
        return {
            what: session.execute(statement, execution_options=quick).rowcount
            for what, statement in statements
        }


# --- the import, in a fresh process -------------------------------------------------------


def memory_mb() -> float:
    """This process image's peak resident set (VmHWM), in MB; see bench.export_summary."""
    from bench.export_summary import memory_mb as resident

    return resident()[1]


def child(url: str, workbook: Path, account_id: int) -> None:
    """Upload, preview page and confirm, each in a request context of its own as the routes
    run them; print the figures as JSON (the parent reads the last line)."""
    import io

    import openpyxl

    from evaluation import create_app
    from evaluation.accounts.models import User
    from evaluation.core.clock import local_today
    from evaluation.core.db import commit_or_conflict, db
    from evaluation.imports import services
    from evaluation.imports.models import ImportBatch
    from evaluation.organisation.permissions import Viewer

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    data = workbook.read_bytes()

    def viewer() -> Viewer:
        user = db.session.get(User, account_id)
        assert user is not None
        return user.viewer()

    with app.test_request_context():  # start-up work (first connection, mappers) not counted
        viewer()
    baseline = memory_mb()

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = sum(
            len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
        )
        book.close()
    floor = time.perf_counter() - started

    started = time.perf_counter()
    with app.test_request_context():
        result = services.upload_staff(
            db.session, viewer(), data, actor_id=account_id, today=local_today()
        )
        if result.batch is None:
            raise SystemExit(f"The workbook was refused: {result.errors[:5]}")
        db.session.commit()
        batch_id = result.batch.id
    upload = time.perf_counter() - started

    started = time.perf_counter()
    with app.test_request_context():
        batch = db.session.get(ImportBatch, batch_id)
        assert batch is not None
        shown = services.preview(db.session, viewer(), batch)
        creates = shown.count("people", "create")
    review = time.perf_counter() - started

    started = time.perf_counter()
    with app.test_request_context():
        batch = db.session.get(ImportBatch, batch_id)
        assert batch is not None
        services.apply(db.session, viewer(), batch, actor_id=account_id, today=local_today())
        commit_or_conflict(db.session)
    confirm = time.perf_counter() - started

    figures = {
        "read_s": floor,
        "cells": cells,
        "preview_s": upload,
        "review_s": review,
        "confirm_s": confirm,
        "created": creates,
        "peak_mb": memory_mb(),
        "baseline_mb": baseline,
        "workbook_mb": len(data) / 1024 / 1024,
    }
    print(json.dumps(figures))


def run_child(url: str, workbook: Path, account_id: int) -> dict[str, Any]:
    # The URL goes through the environment, not the command line other users can read.
    output = subprocess.run(  # nosec B603 - our own module, no shell, fixed arguments
        [sys.executable, "-m", "bench.staff_import", "--child", str(workbook), str(account_id)],
        cwd=ROOT,
        env={**os.environ, "BENCH_DATABASE_URL": url, "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        check=False,
    )
    if output.returncode != 0:
        raise RuntimeError(f"the import child failed:\n{output.stderr[-4000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


# --- the benchmark ----------------------------------------------------------------------------


def run(database_url: str, *, people: int = PEOPLE) -> list[Row]:
    """Import `people` new people into the province at `database_url`, measure, then remove
    them; two rows: the import's time against reading the file, its peak against its start."""
    from evaluation.imports.workbook import MAX_DATA_ROWS

    capped = people > MAX_DATA_ROWS  # the import refuses more rows per sheet than this
    people = min(people, MAX_DATA_ROWS)
    prefix = f"BI{secrets.token_hex(3).upper()}-"  # a run of its own never meets an old one
    account_id, unit_codes = prepare(database_url, prefix)
    try:
        with tempfile.TemporaryDirectory(prefix="danhgia-import-") as directory:
            workbook = Path(directory) / "nhan-su.xlsx"
            write_workbook(workbook, prefix, unit_codes, people)
            figures = run_child(database_url, workbook, account_id)
    finally:
        removed = clean_up(database_url, prefix, account_id)
    if figures["created"] != people or removed["people"] < people:
        raise RuntimeError(f"expected {people} new people: {figures}, removed {removed}")

    seconds = figures["preview_s"] + figures["review_s"] + figures["confirm_s"]
    details = {
        "preview_s": round(figures["preview_s"], 2),
        "review_s": round(figures["review_s"], 2),
        "confirm_s": round(figures["confirm_s"], 2),
        "peak_mb": round(figures["peak_mb"], 1),
        "baseline_mb": round(figures["baseline_mb"], 1),
        "people": people,
        "units": len(unit_codes),
        "workbook_mb": round(figures["workbook_mb"], 2),
    }
    count = f"{people:,}".replace(",", " ")  # 10 000, as the issue writes it
    label = f"staff import, {count} people"
    if capped:
        label += " (the import's row limit)"
    return [
        Row(
            section="import",
            label=label,
            value=round(seconds, 2),
            unit="s",
            floor=round(figures["read_s"], 2),
            floor_label="reading the workbook",
            target=TARGET_SECONDS,
            details=details,
        ),
        Row(
            section="import",
            label=f"{label}: peak memory",
            value=round(figures["peak_mb"], 1),
            unit="MB",
            floor=round(figures["baseline_mb"], 1),
            floor_label="the application started, before the import",
            details=details,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="SQLAlchemy URL of a province (DATABASE_URL if unset)")
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument(
        "--child", nargs=2, metavar=("WORKBOOK", "ACCOUNT_ID"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(os.environ["BENCH_DATABASE_URL"], Path(args.child[0]), int(args.child[1]))
        return
    url = args.database or os.environ.get("DATABASE_URL")
    if not url:
        parser.error("give --database or set DATABASE_URL")
    for row in run(url, people=args.people):
        print(
            f"{row.label:<40} {row.value:>9.2f} {row.unit:<3} "
            f"floor {row.floor:>8.2f} ({row.floor_label}), ratio {row.ratio}"
        )
    print("details:", json.dumps(row.details, ensure_ascii=False))


if __name__ == "__main__":
    main()
