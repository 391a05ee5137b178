"""`flask --app wsgi intranet ...`: the operator's commands (see the interface contract)."""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from intranet.accounts.users import UserError, create_user
from intranet.extensions import db
from intranet.models import ROLES, JobRun, utcnow
from intranet.platform import backup, plugins, schema, storage
from intranet.platform.audit import record
from intranet.platform.demo import DEMO_PASSWORD, create_demo_data, demo_logins
from intranet.platform.inbound import mail_receiver_command
from intranet.platform.mail_poll import mail_poll_command
from intranet.platform.mail_sender import deliver_round, describe, mail_worker_command
from intranet.platform.notifications import send_digests_command
from intranet.platform.scale import create_scale_data, has_scale_data, scale_email
from intranet.web import plural, site_request


class IntranetGroup(AppGroup):
    """Turns database errors into one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise click.ClickException(
                f"the database is not reachable or not set up ({reason}); "
                "check INTRANET_DATABASE_URL and run 'flask --app wsgi intranet init'"
            ) from None


intranet_cli = IntranetGroup("intranet", help="Run and administer the intranet.")


@intranet_cli.command("init")
def init_command() -> None:
    """Create or upgrade the schema of the core and every installed plugin (idempotent).

    Creates the instance folder first, so a new INTRANET_INSTANCE_PATH works on the first try.
    Runs under the schema lock: a second `init` at the same time (another host, a rolling
    upgrade) waits, then finds everything up to date.
    """
    Path(current_app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    with schema.lock():
        schema.upgrade()
        plugins.sync_plugin_states()
        schema.refresh_planner_statistics()
    click.echo(
        "Database is up to date; installed plugins: "
        + (", ".join(info.name for info in plugins.registry().external) or "none")
    )


@intranet_cli.command("demo")
@click.option(
    "--scale",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Also add bulk data for benchmarks: N x 10,000 members, 5,000 guests and each "
    "plugin's share (500 sub-groups with 200,000 posts, 20,000 meetings, 100,000 lessons).",
)
def demo_command(scale: float | None) -> None:
    """Fill the database with realistic demo data for every enabled plugin; print the logins."""
    with site_request():
        created = create_demo_data()
        if not created:
            click.echo("Demo data is already present; nothing changed.")
        if scale is not None:
            if has_scale_data():
                click.echo("Scale data is already present; nothing added.")
            else:
                started = time.perf_counter()
                people = create_scale_data(scale, DEMO_PASSWORD)
                click.echo(
                    f"Added scale {scale:g} data in {time.perf_counter() - started:.1f} s; "
                    f"benchmark login: {scale_email('member', 1)} "
                    f"({len(people.members)} members, {len(people.guests)} guests)."
                )
        schema.refresh_planner_statistics()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, emails, more in demo_logins():
        click.echo(
            f"  {role:<12} {', '.join(emails)}" + (f" (and {more} more)" if more > 0 else "")
        )


@intranet_cli.command("create-user")
@click.option("--email", required=True, help="Login email address.")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="Role of the account.")
@click.option("--country", "country", default=None, help="Country code, e.g. SE.")
@click.option("--organisation", default=None, help="A recorded organisation's name (or number).")
@click.option(
    "--zone",
    default=None,
    help="Time zone, an IANA name such as Europe/Riga; by default the country's zone.",
)
@click.option(
    "--password", default=None, help="Initial password; without it an activation mail is sent."
)
def create_user_command(
    email: str,
    name: str,
    role: str,
    country: str | None,
    organisation: str | None,
    zone: str | None,
    password: str | None,
) -> None:
    """Create an account."""
    try:
        user, mailed = create_user(
            email=email,
            name=name,
            role=role,
            country_code=country,
            organisation=organisation,
            timezone=zone,
            password=password,
        )
    except UserError as error:
        raise click.UsageError(str(error)) from None
    how = "activation mail queued" if mailed else "password set"
    click.echo(f"Created {user.role} {user.email} (id {user.id}); {how}.")


@intranet_cli.group("plugins")
def plugins_group() -> None:
    """List, enable and disable plugins."""


@plugins_group.command("list")
def plugins_list() -> None:
    """Show every installed plugin and whether it is enabled."""
    disabled = plugins.disabled_plugins()
    for info in plugins.registry().external:
        state = "disabled" if info.name in disabled else "enabled"
        click.echo(f"{info.name:<16} {info.version or '-':<10} {state:<9} {info.description}")


def _toggle(name: str, enable: bool) -> None:
    info = plugins.registry().plugins.get(name)
    if info is None or info.internal:
        known = ", ".join(p.name for p in plugins.registry().external) or "none"
        raise click.UsageError(f"no installed plugin named {name!r} (installed: {known})")
    changed = plugins.set_enabled(name, enable)
    verb = "enabled" if enable else "disabled"
    if changed:
        record(f"plugin.{verb}", target=f"plugin:{name}", via="cli")
        db.session.commit()
    click.echo(f"{name} {verb}" if changed else f"{name} was already {verb}")


@plugins_group.command("enable")
@click.argument("name")
def plugins_enable(name: str) -> None:
    """Enable the plugin NAME."""
    _toggle(name, True)


@plugins_group.command("disable")
@click.argument("name")
def plugins_disable(name: str) -> None:
    """Disable the plugin NAME (its data is kept)."""
    _toggle(name, False)


@intranet_cli.command("backup")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    """Write a consistent copy of the database and the uploaded files into the new folder TARGET.

    Safe while the intranet is in use. PostgreSQL is dumped with pg_dump (custom format).
    """
    try:
        manifest = backup.backup(target)
    except backup.BackupError as error:
        raise click.UsageError(str(error)) from None
    click.echo(
        f"Backup written to {target}: {manifest.database_file} and {plural(manifest.files, 'file')}"
    )
    _report_missing(manifest, "the backup lacks them")


def _report_missing(manifest: backup.Manifest, consequence: str) -> None:
    """Files the database names but the store does not hold: listed, and the exit status is 1."""
    if manifest.missing:
        for key in manifest.missing:
            click.echo(f"MISSING {key}", err=True)
        click.echo(
            f"{plural(len(manifest.missing), 'file')} named in the database "
            f"{'is' if len(manifest.missing) == 1 else 'are'} missing from "
            f"{backup.store().url}; {consequence}",
            err=True,
        )
        sys.exit(1)


@intranet_cli.command("restore")
@click.argument("source", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a database that already has accounts.")
def restore_command(source: Path, replace: bool) -> None:
    """Load a backup folder (from `backup`) into this instance's database and file folder."""
    try:
        with schema.lock():  # never while an `init` or another restore is migrating
            manifest = backup.restore(source, replace=replace)
            schema.upgrade()  # a backup of an older version gets today's schema; else no-op
    except backup.BackupError as error:
        raise click.UsageError(str(error)) from None
    click.echo(
        f"Restored the backup of {manifest.created_at} ({plural(manifest.files, 'file')}); "
        "the schema is up to date"
    )
    _report_missing(manifest, "their downloads will answer 404")


@intranet_cli.command("run-jobs")
def run_jobs_command() -> None:
    """Run every enabled plugin's due jobs once; safe to call from cron on several hosts."""
    now = datetime.now(UTC)
    ran = 0
    for job in plugins.collect("intranet_scheduled_jobs"):
        slot = str(int(now.timestamp()) // (job.every_minutes * 60))
        run = JobRun(job=job.name, slot=slot)
        db.session.add(run)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            continue  # another host or an earlier call has this slot
        try:
            with site_request():
                job.run()
        except Exception as error:
            db.session.rollback()
            current_app.logger.exception("job %s failed", job.name)
            run = db.session.merge(run)
            run.error = repr(error)[:2000]
        run.finished_at = utcnow()
        db.session.commit()
        ran += 1
        click.echo(f"ran {job.name}" + (f" (failed: {run.error})" if run.error else ""))
    click.echo(f"{plural(ran, 'job')} run")
    click.echo(describe(deliver_round()))


@intranet_cli.command("check")
def check_command() -> None:
    """Check the deployment settings; exits non-zero when something must be fixed."""
    problems, warnings = deployment_problems(current_app)
    for message in warnings:
        click.echo(f"WARNING {message}")
    for message in problems:
        click.echo(f"ERROR   {message}")
    if problems:
        sys.exit(1)
    click.echo("Deployment check passed.")


def deployment_problems(app: Flask) -> tuple[list[str], list[str]]:
    config = app.config
    problems: list[str] = []
    warnings: list[str] = []
    if app.debug:
        problems.append("debug mode is on; never run it in production")
    if len(config["SECRET_KEY"]) < 32:
        problems.append("the secret key is shorter than 32 characters")
    if _key_is_generated_here(app) and db.engine.url.get_backend_name() != "sqlite":
        problems.append(
            "INTRANET_SECRET_KEY is not set: this host signs sessions and links with a key of its "
            "own, which other hosts and a restored instance reject; set the same key on every host"
        )
    if not config["BASE_URL"].startswith("https://"):
        warnings.append("INTRANET_BASE_URL is not https; cookies are not marked Secure")
    if db.engine.url.get_backend_name() == "sqlite":
        warnings.append("SQLite serves one host; use PostgreSQL for several hosts or many workers")
    if not config["SMTP_HOST"]:
        warnings.append(f"no SMTP host: mail is written to {config['MAIL_OUTBOX']}")
    store_problems, store_warnings = storage.deployment_problems(db.engine.url.get_backend_name())
    problems += store_problems
    warnings += store_warnings
    problems += inbound_problems(config)
    return problems, warnings


def inbound_problems(config: Any) -> list[str]:
    """Inbound mail (mail-receiver, or IMAP polling) needs the reply domain and a mailbox
    login; without them no reply could ever be posted."""
    problems = []
    inbound = [
        name
        for name, on in (
            ("INTRANET_MAIL_RECEIVER", config.get("MAIL_RECEIVER")),
            ("INTRANET_IMAP_HOST", config.get("IMAP_HOST")),
        )
        if on
    ]
    if inbound and not config.get("REPLY_DOMAIN"):
        problems.append(
            f"{' and '.join(inbound)} set but INTRANET_REPLY_DOMAIN is not: notification mails "
            "carry no reply address and mail-receiver and mail-poll will not start"
        )
    if config.get("IMAP_HOST") and not (config.get("IMAP_USER") and config.get("IMAP_PASSWORD")):
        problems.append("INTRANET_IMAP_HOST is set but INTRANET_IMAP_USER or _PASSWORD is not")
    return problems


def _key_is_generated_here(app: Flask) -> bool:
    """Whether the secret key is the one generated once in this host's instance folder
    (INTRANET_SECRET_KEY unset)."""
    if os.environ.get("INTRANET_SECRET_KEY"):
        return False
    key_file = Path(app.instance_path) / "secret_key"
    return key_file.exists() and key_file.read_text().strip() == app.config["SECRET_KEY"]


intranet_cli.add_command(send_digests_command)
intranet_cli.add_command(mail_worker_command)
intranet_cli.add_command(mail_receiver_command)
intranet_cli.add_command(mail_poll_command)


def init_app(app: Flask) -> None:
    app.cli.add_command(intranet_cli)
    for command in app.extensions["intranet_plugins"].pm.hook.intranet_cli_commands():
        for item in command or []:
            intranet_cli.add_command(item)
