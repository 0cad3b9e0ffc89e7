"""Command line: `flask db …` runs the Alembic migrations, `flask demo …` the demo organisation."""

from __future__ import annotations

import time

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app

from evaluation import PROJECT_ROOT
from evaluation.core.db import db


def alembic_config(database_url: str) -> Config:
    """Alembic's configuration, built in code so there is one source of the database URL."""
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def register_commands(app: Flask) -> None:
    from evaluation.core.jobs import register_commands as register_job_commands

    register_job_commands(app)
    from evaluation.yearend.cli import register_commands as register_year_commands

    register_year_commands(app)

    @app.cli.group("db")
    def db_group() -> None:
        """Database schema (Alembic migrations)."""

    @db_group.command("upgrade")
    @click.argument("revision", default="head")
    def upgrade(revision: str) -> None:
        command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)

    @db_group.command("downgrade")
    @click.argument("revision")
    def downgrade(revision: str) -> None:
        command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)

    @db_group.command("forget-stored-sums")
    def forget_stored_sums() -> None:
        """After writing inputs with plain SQL: closed periods' unit sums are stored again."""
        from evaluation.core.db import db
        from evaluation.rankings.stored import forget_all

        with db.transaction() as session:
            forget_all(session)
        click.echo("Stored sums dropped: they are recomputed until `fill-stored-sums` runs.")

    @db_group.command("fill-stored-sums")
    @click.option("--year", type=int, multiple=True, help="Only these years (default: all).")
    def fill_stored_sums(year: tuple[int, ...]) -> None:
        """Store the unit sums of every month, quarter and year begun (cron: nightly, for the
        open ones' new day; and after imports). One transaction per period, so writers wait
        for one period at a time."""
        import sqlalchemy as sa

        from evaluation.core.clock import local_today
        from evaluation.core.db import db, writing
        from evaluation.plans.models import Plan
        from evaluation.rankings.stored import fill, periods_to_fill

        today = local_today()
        with db.transaction() as session:
            planned = set(session.scalars(sa.select(Plan.period_year).distinct()))
            years = year or tuple(sorted(planned | {today.year}))  # this year's pages, even bare
        stored = 0
        for each in years:
            for period in periods_to_fill(each, today):
                with writing(), db.transaction() as session:
                    stored += fill(session, period, today)
        click.echo(f"Stored the unit sums of {stored} periods.")

    @db_group.command("fill-task-counts")
    @click.option("--year", type=int, multiple=True, help="Only these years (default: all).")
    def fill_task_counts(year: tuple[int, ...]) -> None:
        """Count every person's tasks per plan year, for the year-end (after the upgrade that
        adds them, and after plain-SQL or bulk writes dropped them). One transaction a year."""
        import sqlalchemy as sa

        from evaluation.core.db import db, writing
        from evaluation.plans.models import Plan
        from evaluation.rankings import task_counts

        with db.transaction() as session:
            years = year or tuple(session.scalars(sa.select(Plan.period_year).distinct()))
        for each in sorted(years):
            with writing(), db.transaction() as session:
                task_counts.prepare(session, each)  # committed: the year's writers take turns
            with writing(), db.transaction() as session:
                task_counts.fill(session, each)
        click.echo(f"Counted the tasks of {len(years)} years.")

    @db_group.command("revision")
    @click.option("-m", "--message", required=True)
    def revision(message: str) -> None:
        """Autogenerate a migration from the models (read it before committing)."""
        command.revision(
            alembic_config(current_app.config["DATABASE_URL"]), message=message, autogenerate=True
        )

    @app.cli.group("demo")
    def demo_group() -> None:
        """The demo organisation from seed_data/."""

    @demo_group.command("load")
    def load() -> None:
        """Load the demo organisation once; loading again changes nothing."""
        from evaluation.demo.loader import load_demo

        with db.transaction() as session:
            click.echo(load_demo(session))

    @demo_group.command("generate")
    @click.option("--people", type=click.IntRange(min=100), required=True)
    @click.option("--years", type=click.IntRange(min=1), default=1, show_default=True)
    @click.option("--seed", type=int, default=2026, show_default=True)
    @click.option("--last-year", type=int, help="The last complete year (default: last year).")
    @click.option("--weeks", is_flag=True, help="Weekly plans too (the bulk of the volume).")
    @click.option("--logins", is_flag=True, help="A login per person, one shared password.")
    def generate(
        people: int, years: int, seed: int, last_year: int | None, weeks: bool, logins: bool
    ) -> None:
        """A synthetic province of PEOPLE people and YEARS complete years, for benchmarks."""
        from evaluation.core.clock import local_today
        from evaluation.demo.generator import PASSWORD, Options, generate_province

        options = Options(
            people=people,
            years=years,
            seed=seed,
            last_year=last_year or local_today().year - 1,
            weeks=weeks,
            logins=logins,
        )
        if options.last_year >= local_today().year:
            raise click.BadParameter("only complete years are generated", param_hint="--last-year")
        started = time.perf_counter()
        try:
            with db.transaction() as session:
                counts = generate_province(session, options)
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        elapsed = time.perf_counter() - started
        click.echo(", ".join(f"{count} {table}" for table, count in counts.items()))
        click.echo(f"{sum(counts.values())} rows in {elapsed:.1f} s")
        if logins:
            click.echo(f"Mật khẩu chung của mọi tài khoản: {PASSWORD}")

    @demo_group.command("logins")
    def logins() -> None:
        from evaluation.demo.loader import demo_logins

        with db.transaction() as session:
            click.echo(demo_logins(session))
