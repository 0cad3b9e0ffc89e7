"""The schema comes from the migrations alone, and they agree with the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from evaluation.cli import alembic_config
from evaluation.core.db import db


def test_models_and_migrations_agree(app, database_url):
    """A model change without its migration fails here (Alembic's `check`)."""
    command.check(alembic_config(database_url))


def test_upgrade_downgrade_upgrade_on_an_empty_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    config = alembic_config(url)
    command.upgrade(config, "head")
    engine = sa.create_engine(url)
    assert {"unit", "person", "placement", "user_account", "plan", "task"} <= set(
        sa.inspect(engine).get_table_names()
    )
    command.downgrade(config, "base")
    assert set(sa.inspect(engine).get_table_names()) == {"alembic_version"}
    command.upgrade(config, "head")
    assert "task" in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    engine = db.engine_of(app)
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_constraint_names_are_unique_as_postgresql_requires():
    """SQLite accepts two CHECKs of one name on a table; PostgreSQL refuses the table."""
    import re
    from collections import Counter

    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateTable

    import evaluation.models  # noqa: F401  (every table on the metadata)
    from evaluation.core.db import Base

    for table in Base.metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=postgresql.dialect()))
        names = Counter(re.findall(r"CONSTRAINT (\w+)", ddl))
        assert [name for name, count in names.items() if count > 1] == [], table.name


def test_a_migration_that_rebuilds_a_table_keeps_the_rows_that_refer_to_it(tmp_path):
    """SQLite rebuilds a table to alter a column (0013 rebuilds `person`). With foreign keys
    on, dropping the old table deletes its rows first, and ON DELETE CASCADE would take every
    plan, task and score with them: migrations run with foreign keys off, then checked."""
    url = f"sqlite:///{tmp_path / 'rebuild.sqlite3'}"
    config = alembic_config(url)
    command.upgrade(config, "0012")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO unit (id, code, name, kind, path, depth, scoring_frequency) "
                "VALUES (1, 'U', 'Sở', 'co_quan_hanh_chinh', '/1/', 0, 'month')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO person (id, code, full_name, category, job_position, unit_id, "
                "leadership_role, front_desk) VALUES (1, 'P1', 'Lê Văn Tâm', 'cong_chuc', "
                "'Chuyên viên', 1, 'none', false)"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO plan (id, person_id, unit_id, period_kind, period_year, "
                "period_number, starts_on, ends_on, status, created_at, updated_at, version) "
                "VALUES (1, 1, 1, 'month', 2026, 3, '2026-03-01', '2026-03-31', 'draft', "
                "'2026-03-01 00:00:00', '2026-03-01 00:00:00', 1)"
            )
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        plans = connection.execute(sa.text("SELECT count(*) FROM plan")).scalar_one()
        people = connection.execute(sa.text("SELECT count(*) FROM person")).scalar_one()
    engine.dispose()
    assert (people, plans) == (1, 1)
