"""The operator's command line: `flask --app wsgi intranet ...`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import JobRun, User
from intranet.platform import backup
from intranet.platform.demo import DEMO_PASSWORD
from intranet.plugin_api import ScheduledJob, hookimpl


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=["intranet", *args])

    return invoke


def test_init_is_idempotent(cli):
    first, second = cli("init"), cli("init")
    assert first.exit_code == second.exit_code == 0, first.output
    assert "installed plugins: example" in second.output


def test_demo_prints_the_logins_and_runs_once(cli, client):
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    assert "admin@demo.example" in result.output
    assert "secretariat@demo.example" in result.output and "member" in result.output
    count = db.session.scalar(select(func.count()).select_from(User))
    again = cli("demo")
    assert again.exit_code == 0
    assert "already present" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == count
    assert client.login("admin@demo.example", DEMO_PASSWORD).status_code == 302


def test_create_user_with_a_password(cli, client):
    result = cli(
        "create-user",
        "--email",
        "Kadri@Example.org",
        "--name",
        "Kadri Tamm",
        "--role",
        "member",
        "--country",
        "ee",
        "--password",
        "a long passphrase 7",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "kadri@example.org"))
    assert (user.name, user.role, user.country_code) == ("Kadri Tamm", "member", "EE")
    assert client.login("kadri@example.org", "a long passphrase 7").status_code == 302


def test_create_user_without_password_mails_an_activation_link(cli, client, outbox):
    result = cli(
        "create-user", "--email", "new@example.org", "--name", "New Expert", "--role", "secretariat"
    )
    assert result.exit_code == 0, result.output
    assert "activation mail queued" in result.output
    [message] = outbox()
    text = message.get_body(preferencelist=("plain",)).get_content()
    path = text.split("http://127.0.0.1:5000", 1)[1].split()[0]
    assert client.get(path).status_code == 200
    response = client.submit(
        path, {"password": "my own passphrase", "confirm": "my own passphrase"}
    )
    assert response.status_code == 302
    assert client.login("new@example.org", "my own passphrase").status_code == 302


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email", "--name", "X", "--role", "member"], "invalid email"),
        (["--email", "a@example.org", "--name", "X", "--role", "chair"], "Invalid value"),
        (
            ["--email", "a@example.org", "--name", "X", "--role", "member", "--country", "LAT"],
            "is not a country of the task force",
        ),
        (
            ["--email", "a@example.org", "--name", "X", "--role", "member", "--password", "short"],
            "at least 12",
        ),
        (
            ["--email", "a@example.org", "--name", "  ", "--role", "member"],
            "name must not be empty",
        ),
        (["--name", "X", "--role", "member"], "Missing option '--email'"),
    ],
)
def test_create_user_rejects_bad_arguments_clearly(cli, args, message):
    result = cli("create-user", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_create_user_refuses_a_duplicate_email(cli, member):
    result = cli("create-user", "--email", member.email.upper(), "--name", "X", "--role", "member")
    assert result.exit_code != 0
    assert "exists already" in result.output


def test_plugins_list_enable_disable(cli):
    listed = cli("plugins", "list")
    assert "example" in listed.output and "enabled" in listed.output
    assert cli("plugins", "disable", "example").output.strip() == "example disabled"
    assert "disabled" in cli("plugins", "list").output
    assert "already disabled" in cli("plugins", "disable", "example").output
    assert cli("plugins", "enable", "example").output.strip() == "example enabled"


def test_plugins_command_rejects_unknown_names(cli):
    result = cli("plugins", "enable", "nonexistent")
    assert result.exit_code != 0
    assert "no installed plugin named 'nonexistent'" in result.output


def test_backup_writes_the_database_and_the_files_into_a_new_folder(app, cli, member, tmp_path):
    files = Path(app.instance_path, "attachments")
    (files / "ab").mkdir(parents=True)
    (files / "ab" / "stored-file").write_bytes(b"minutes of the plenary")
    target = tmp_path / "backup"
    result = cli("backup", str(target))
    assert result.exit_code == 0, result.output
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["backend"] == db.engine.url.get_backend_name()
    assert manifest["files"] == 1
    assert (target / "attachments" / "ab" / "stored-file").read_bytes() == b"minutes of the plenary"
    if manifest["backend"] == "sqlite":
        with sqlite3.connect(target / "database.sqlite3") as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            emails = [row[0] for row in copy.execute("SELECT email FROM user_account")]
        assert emails == [member.email]
    else:
        assert (target / "database.pgdump").read_bytes().startswith(b"PGDMP")
    again = cli("backup", str(target))
    assert again.exit_code != 0 and "exists already" in again.output


def test_restore_refuses_to_overwrite_a_database_in_use(app, cli, member, tmp_path):
    assert cli("backup", str(tmp_path / "backup")).exit_code == 0
    refused = cli("restore", str(tmp_path / "backup"))
    assert refused.exit_code != 0 and "--replace" in refused.output
    (tmp_path / "not-a-backup").mkdir()
    wrong = cli("restore", str(tmp_path / "not-a-backup"))
    assert wrong.exit_code != 0 and "not a backup folder" in wrong.output


def test_restore_needs_no_replace_where_there_are_no_accounts(app, cli, member, tmp_path):
    """A fresh database (no tables yet) takes a backup without --replace; a backup into a
    folder that does not exist says which folder."""
    nowhere = tmp_path / "nowhere"
    missing = cli("backup", str(nowhere / "backup"))
    assert missing.exit_code != 0 and f"folder {nowhere} does not exist" in missing.output
    assert cli("backup", str(tmp_path / "backup")).exit_code == 0
    email = member.email
    db.session.remove()
    db.drop_all()

    result = cli("restore", str(tmp_path / "backup"))

    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(User.email)).all() == [email]


def test_restore_replace_brings_back_the_backup_database_and_files_exactly(
    app, cli, member, make_user, tmp_path
):
    email = member.email
    files = Path(app.instance_path, "attachments")
    (files / "ab").mkdir(parents=True)
    (files / "ab" / "kept").write_bytes(b"minutes of the plenary")
    assert cli("backup", str(tmp_path / "backup")).exit_code == 0
    make_user("member", email="later@example.org")
    (files / "ab" / "kept").write_bytes(b"changed after the backup")
    (files / "cd").mkdir()
    (files / "cd" / "added-later").write_bytes(b"uploaded after the backup")
    db.session.remove()

    result = cli("restore", "--replace", str(tmp_path / "backup"))

    assert result.exit_code == 0, result.output
    emails = db.session.scalars(select(User.email).order_by(User.email)).all()
    assert emails == [email]
    stored = {
        path.relative_to(files).as_posix(): path.read_bytes()
        for path in files.rglob("*")
        if path.is_file()
    }
    assert stored == {"ab/kept": b"minutes of the plenary"}


def test_the_database_password_reaches_pg_dump_and_pg_restore_only_through_the_environment(
    app, cli, member, tmp_path, monkeypatch
):
    """A password-protected PostgreSQL server needs the URL's password for both tools; it
    must not show in the process list (their arguments), which every local user can read."""
    if db.engine.url.get_backend_name() != "postgresql":
        pytest.skip("pg_dump and pg_restore run for PostgreSQL only")
    password = "correct horse battery"  # the test server trusts loopback and ignores it
    monkeypatch.setattr(backup, "_url", lambda: db.engine.url.set(password=password))
    calls = []
    run = backup.subprocess.run

    def recorded(args, **options):
        calls.append((args, options["env"]))
        return run(args, **options)

    monkeypatch.setattr(backup.subprocess, "run", recorded)
    assert cli("backup", str(tmp_path / "backup")).exit_code == 0
    result = cli("restore", "--replace", str(tmp_path / "backup"))

    assert result.exit_code == 0, result.output
    assert [Path(args[0]).name for args, _ in calls] == ["pg_dump", "pg_restore"]
    for args, env in calls:
        assert env["PGPASSWORD"] == password
        assert not any(password in argument for argument in args)


def test_run_jobs_runs_each_due_job_once(app, cli):
    calls = []

    class Jobs:
        @hookimpl
        def intranet_scheduled_jobs(self):
            return [
                ScheduledJob("test.count", 60, lambda: calls.append(1)),
                ScheduledJob("test.broken", 60, lambda: 1 / 0),
            ]

    app.extensions["intranet_plugins"].pm.register(Jobs(), name="jobs")
    first = cli("run-jobs")
    second = cli("run-jobs")
    assert first.exit_code == second.exit_code == 0, first.output
    assert calls == [1]
    assert "ran test.count" in first.output and "failed" in first.output
    assert "0 jobs run" in second.output
    runs = db.session.scalars(
        select(JobRun).where(JobRun.job.like("test.%")).order_by(JobRun.job)
    ).all()
    assert [(run.job, run.error is not None) for run in runs] == [
        ("test.broken", True),
        ("test.count", False),
    ]


def test_check_reports_deployment_problems(app, cli):
    app.config["SECRET_KEY"] = "short"
    result = cli("check")
    assert result.exit_code == 1
    assert "ERROR" in result.output and "secret key" in result.output
    assert "WARNING" in result.output


def test_check_fails_on_postgresql_with_a_key_generated_by_one_host(config, monkeypatch):
    from intranet import create_app

    monkeypatch.delenv("INTRANET_SECRET_KEY", raising=False)
    del config["SECRET_KEY"]  # generated once in the instance folder, as without the variable
    app = create_app(config)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["intranet", "check"])
        db.engine.dispose()
    on_postgres = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    assert result.exit_code == (1 if on_postgres else 0), result.output
    assert ("INTRANET_SECRET_KEY is not set" in result.output) == on_postgres


def test_check_fails_when_inbound_mail_has_no_reply_domain(app, cli):
    app.config.update(MAIL_RECEIVER=True, REPLY_DOMAIN="")
    result = cli("check")
    assert result.exit_code == 1 and "INTRANET_REPLY_DOMAIN is not" in result.output
    app.config["REPLY_DOMAIN"] = "reply.example.org"
    assert "INTRANET_REPLY_DOMAIN" not in cli("check").output
    app.config.update(MAIL_RECEIVER=False, REPLY_DOMAIN="")
    assert "INTRANET_REPLY_DOMAIN" not in cli("check").output


def test_check_fails_when_imap_polling_lacks_the_reply_domain_or_a_login(app, cli):
    app.config.update(IMAP_HOST="imap.example.org", IMAP_USER="", REPLY_DOMAIN="")
    result = cli("check")
    assert result.exit_code == 1
    assert "INTRANET_IMAP_HOST set but INTRANET_REPLY_DOMAIN is not" in result.output
    assert "INTRANET_IMAP_USER or _PASSWORD is not" in result.output
    app.config.update(IMAP_USER="replies", IMAP_PASSWORD="secret", REPLY_DOMAIN="r.example.org")
    assert "INTRANET_IMAP" not in cli("check").output


def test_create_user_queues_the_mail_while_the_mail_server_is_down(app, cli):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9, SMTP_STARTTLS=False)
    result = cli(
        "create-user", "--email", "late@example.org", "--name", "Late Mail", "--role", "member"
    )
    assert result.exit_code == 0 and "activation mail queued" in result.output
    assert db.session.scalar(select(User.email)) == "late@example.org"
    result = cli("mail-worker", "--once")
    assert result.exit_code == 0 and "0 sent, 1 deferred, 0 failed" in result.output


def test_run_jobs_delivers_the_mail_that_is_due(app, cli, tmp_path):
    cli("create-user", "--email", "new@example.org", "--name", "New Expert", "--role", "member")
    result = cli("run-jobs")
    assert "mail: 1 sent" in result.output
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_commands_on_a_database_that_is_not_set_up_say_so_in_one_line(tmp_path):
    from intranet import create_app

    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}",
        }
    )
    result = app.test_cli_runner().invoke(args=["intranet", "plugins", "list"])
    assert result.exit_code == 1
    assert "run 'flask --app wsgi intranet init'" in result.output
    assert "Traceback" not in result.output


def test_create_user_refuses_a_country_not_in_the_reference_data(cli):
    result = cli(
        "create-user",
        "--email",
        "x@example.org",
        "--name",
        "X",
        "--role",
        "member",
        "--country",
        "XX",
    )
    assert result.exit_code != 0
    assert "“XX” is not a country of the task force" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_run_jobs_gives_sqlite_planner_statistics_once_a_day(app, cli, make_user):
    """SQLite picks its indexes by the counts ANALYZE writes; nothing else writes them."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its own statistics")
    make_user("member")

    def analysed() -> set[str]:
        connection = db.session.connection()
        if not connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).first():
            return set()
        return set(connection.exec_driver_sql("SELECT tbl FROM sqlite_stat1").scalars())

    db.session.execute(db.text("DROP TABLE IF EXISTS sqlite_stat1"))
    db.session.commit()
    assert "user_account" not in analysed()
    result = cli("run-jobs")
    assert result.exit_code == 0, result.output
    assert "ran core.planner-statistics" in result.output
    assert "user_account" in analysed()
    assert "core.planner-statistics" not in cli("run-jobs").output
