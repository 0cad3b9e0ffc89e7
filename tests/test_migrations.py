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
