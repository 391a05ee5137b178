"""The application as a whole: configuration, headers, error pages, bad input."""

from __future__ import annotations

import os

import pytest

from intranet import create_app
from intranet.accounts.security import CONTENT_SECURITY_POLICY


def test_secret_key_is_generated_once_and_kept(tmp_path, database_url, monkeypatch):
    monkeypatch.delenv("INTRANET_SECRET_KEY", raising=False)
    config = {"INSTANCE_PATH": str(tmp_path / "inst"), "SQLALCHEMY_DATABASE_URI": database_url}
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert first == second and len(first) >= 64
    key_file = tmp_path / "inst" / "secret_key"
    assert oct(os.stat(key_file).st_mode & 0o777) == "0o600"


def test_configuration_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("INTRANET_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("INTRANET_BASE_URL", "https://intranet.example.org/")
    monkeypatch.setenv("INTRANET_DATABASE_URL", "postgres://u:p@db.example.org/intranet")
    monkeypatch.setenv("INTRANET_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("INTRANET_SMTP_PORT", "2525")
    monkeypatch.setenv("INTRANET_SMTP_STARTTLS", "false")
    monkeypatch.setenv("INTRANET_MAIL_OUTBOX", str(tmp_path / "mails"))
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    config = app.config
    assert config["SECRET_KEY"] == "k" * 40
    assert config["BASE_URL"] == "https://intranet.example.org"
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example.org/intranet"
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert (config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_STARTTLS"]) == (
        "smtp.example.org",
        2525,
        False,
    )
    assert config["MAIL_OUTBOX"] == str(tmp_path / "mails")
    assert not app.debug


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("INTRANET_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'intranet.db'}"
    assert app.config["MAIL_OUTBOX"] == str(tmp_path / "outbox")


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in headers["Vary"]


def test_session_cookie_is_httponly_and_lax(client, member):
    client.login(member.email)
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_pages_contain_no_inline_script_or_style(client, admin):
    client.login(admin.email)
    for path in ["/login", "/", "/admin/plugins", "/account/password"]:
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and "<style" not in html and " style=" not in html, path
        assert " onclick=" not in html, path


def test_htmx_is_configured_through_its_meta_tag(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<meta name="htmx-config"' in html
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html
    assert '{"code": "422", "swap": true}' in html
    assert "/static/vendor/htmx.min.js" in html


def test_csrf_token_is_sent_as_a_header_on_htmx_requests(client, admin):
    client.login(admin.email)
    html = client.get("/").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_htmx_requests_with_the_csrf_header_are_accepted(client, admin):
    client.login(admin.email)
    token = client.csrf_token()
    response = client.post(
        "/admin/plugins/example/disable",
        data={"confirm": "yes"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200


def test_unknown_page_gets_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no page at this address" in response.get_data(as_text=True)


def test_oversized_body_is_refused_with_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_malformed_query_strings_do_not_break_pages(client, member):
    client.login(member.email)
    for query in ["?%", "?next=%zz", "?a=%00", "?" + "x=1&" * 500]:
        assert client.get("/" + query).status_code == 200, query
    assert client.get("/login?next=%ff%fe").status_code in (200, 302)


def test_errors_show_no_stack_trace(app, client, admin, monkeypatch):
    from intranet.platform import plugins

    def explode(*args, **kwargs):
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(plugins, "collect", explode)
    client.login(admin.email)
    response = client.get("/")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "internal detail" not in body and "Traceback" not in body
    assert "Something went wrong" in body


def test_dashboard_loads_each_widget_lazily(client, admin):
    client.login(admin.email)
    html = client.get("/").get_data(as_text=True)
    assert 'hx-get="/dashboard/welcome" hx-trigger="load"' in html
    assert 'hx-get="/example/widget"' in html
    assert 'href="/dashboard/welcome"' in html


def test_widget_answers_a_fragment_to_htmx_and_a_page_otherwise(client, admin):
    client.login(admin.email)
    fragment = client.get("/dashboard/welcome", headers={"HX-Request": "true"})
    page = client.get("/dashboard/welcome")
    assert "<html" not in fragment.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    assert "Ada Admin" in fragment.get_data(as_text=True)
    assert len(fragment.data) < 0.2 * len(page.data)


def test_workers_starting_together_agree_on_one_secret_key(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from intranet.config import load_secret_key

    monkeypatch.delenv("INTRANET_SECRET_KEY", raising=False)
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: load_secret_key(tmp_path), range(16)))
    assert len(keys) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def test_form_fields_carry_no_empty_attributes(client):
    html = client.get("/login").get_data(as_text=True)
    assert '="None"' not in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html


def run_in_fresh_interpreter(args: list[str], tmp_path, **environment: str) -> str:
    import subprocess
    import sys

    env = {**os.environ, "INTRANET_INSTANCE_PATH": str(tmp_path)}
    env.pop("FLASK_RUN_FROM_CLI", None)  # set if pytest was started by a flask command
    env.update(environment)
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=True
    ).stdout


def test_a_starting_worker_imports_neither_alembic_nor_icalendar(tmp_path):
    """Both are loaded when the schema is migrated or a calendar is served: a web worker
    starting up (create_app) does without them."""
    code = (
        "import sys; from intranet import create_app; create_app(); "
        "print(sorted(m for m in ('alembic', 'flask_migrate', 'icalendar') if m in sys.modules))"
    )
    assert run_in_fresh_interpreter(["-c", code], tmp_path).strip() == "[]"


def test_a_server_worker_compiles_every_template_before_its_first_request(tmp_path):
    """The first view of a page in each worker compiled its templates and loaded Markdown's
    extensions (a sub-group's thread: 96 ms instead of 19): gunicorn's workers do both as they
    start; a command does not (it serves no page)."""
    code = (
        "import sys, wsgi; e = wsgi.app.jinja_env; "
        "print(len(e.cache), len(e.list_templates()), 'markdown.extensions.extra' in sys.modules)"
    )
    compiled, templates, markdown = run_in_fresh_interpreter(["-c", code], tmp_path).split()
    assert int(compiled) == int(templates) > 100
    assert markdown == "True"
    as_command = run_in_fresh_interpreter(["-c", code], tmp_path, FLASK_RUN_FROM_CLI="true")
    assert as_command.split() == ["0", templates, "False"]


def test_flask_db_runs_flask_migrate_with_every_plugin_branch(tmp_path):
    output = run_in_fresh_interpreter(["-m", "flask", "--app", "wsgi", "db", "heads"], tmp_path)
    for branch in ("core", "subgroups", "partners", "meetings", "lessons", "governance"):
        assert f"({branch}) (head)" in output


def test_postgresql_connections_do_not_compile_statements_just_in_time(app):
    """JIT compiling a search over 200,000 meetings took 60 ms of its 80 (the bench at N=10);
    each connection turns it off, including connections the pool opens later, and costs a
    random read as on an SSD (a guest's rare word: 50 ms to 0.2)."""
    from sqlalchemy import text

    from intranet.extensions import db

    if db.engine.dialect.name != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    db.engine.dispose()
    for _ in range(2):
        with db.engine.connect() as connection:
            assert connection.scalar(text("SHOW jit")) == "off"
            assert connection.scalar(text("SHOW random_page_cost")) == "1.1"
            connection.rollback()  # an undone transaction must not bring them back
            assert connection.scalar(text("SHOW jit")) == "off"
            assert connection.scalar(text("SHOW random_page_cost")) == "1.1"
