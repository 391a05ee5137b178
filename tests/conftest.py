"""Shared fixtures. Each test gets its own database, copied from a template migrated once.

Set INTRANET_TEST_DATABASE_URL to a PostgreSQL server URL (a role that may create databases)
to run the suite on PostgreSQL; otherwise it runs on SQLite files in temporary folders.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

sys.path.insert(0, str(Path(__file__).parent / "example_plugin"))

from bench.pages import WorkerClient
from intranet import create_app
from intranet.extensions import db
from intranet.models import User
from intranet.platform import schema

PASSWORD = "correct horse battery staple"
POSTGRES_URL = os.environ.get("INTRANET_TEST_DATABASE_URL", "")
_counter = itertools.count()


def base_config(tmp_path: Path, database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_OUTBOX": str(tmp_path / "outbox"),
        "SMTP_HOST": "",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "ARGON2_PARALLELISM": 1,
        "TWO_FACTOR_REQUIRED_ROLES": (),
    }


def _postgres_url(database: str) -> str:
    url = sa.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


def _postgres_admin() -> sa.Engine:
    return sa.create_engine(_postgres_url("postgres"), isolation_level="AUTOCOMMIT")


def migrate(app: Flask) -> None:
    with app.app_context():
        schema.upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to every head once per session; tests get copies of it."""
    folder = tmp_path_factory.mktemp("template")
    if POSTGRES_URL:
        name = f"intranet_tpl_{uuid.uuid4().hex[:8]}"
        admin = _postgres_admin()
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        migrate(create_app(base_config(folder, _postgres_url(name))))
        yield name
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = folder / "template.db"
        migrate(create_app(base_config(folder, f"sqlite:///{path}")))
        yield str(path)


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    if POSTGRES_URL:
        name = f"intranet_t{os.getpid()}_{next(_counter)}"
        admin = _postgres_admin()
        with admin.connect() as connection:
            connection.execute(
                sa.text(
                    f'CREATE DATABASE "{name}" TEMPLATE "{database_template}" STRATEGY FILE_COPY'
                )
            )
        yield _postgres_url(name)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path / "test.db"
        shutil.copyfile(database_template, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def config(tmp_path: Path, database_url: str) -> dict[str, Any]:
    """The app's configuration; a test may change it before asking for `app`."""
    return base_config(tmp_path, database_url)


@pytest.fixture
def app(config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class Client(WorkerClient):
    """A test client that sends the CSRF token like a browser form does.

    Each request runs in an app context of its own, as in production (fresh `g`), while the
    test's own session commits before and after it, so both sides see each other's writes.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        db.session.commit()
        response = super().open(*args, **kwargs)
        db.session.commit()
        return response

    def csrf_token(self) -> str:
        response = self.get("/login")
        if response.status_code == 302:  # signed in already: every page carries the token
            response = self.get("/", follow_redirects=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
        assert match, "no CSRF token on the page"
        return match.group(1)

    def submit(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """POST a form with a valid CSRF token, as the browser would."""
        form = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.post(url, data=form, **kwargs)

    def login(self, email: str, password: str = PASSWORD, **extra: Any) -> Any:
        return self.submit("/login", {"email": email, "password": password, **extra})


@pytest.fixture
def client(app: Flask) -> Client:
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Any:
    """Create a user directly in the database (password: PASSWORD)."""
    from intranet.accounts.security import hash_password

    password_hash = hash_password(PASSWORD)

    def make(
        role: str = "member", email: str | None = None, name: str | None = None, **fields: Any
    ) -> User:
        email = email or f"{role}{next(_counter)}@example.org"
        user = User(
            email=email,
            name=name or f"Test {role.title()}",
            role=role,
            password_hash=password_hash,
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def member(make_user: Any) -> User:
    return make_user("member", email="member@example.org", name="Maria Member")


@pytest.fixture
def admin(make_user: Any) -> User:
    return make_user("admin", email="admin@example.org", name="Ada Admin")


@pytest.fixture
def outbox(app: Flask) -> Any:
    """Read the .eml files written to the outbox, oldest first."""
    from email import policy
    from email.parser import BytesParser

    def read() -> list[Any]:
        folder = Path(app.config["MAIL_OUTBOX"])
        if not folder.exists():
            return []
        parser = BytesParser(policy=policy.default)
        return [parser.parsebytes(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]

    return read


def mail_text(message: Any) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def contributions(plugin: str, hook: str, **kwargs: Any) -> list[Any]:
    """What one plugin alone contributes to a list hook (other plugins contribute too)."""
    from intranet.platform import plugins

    return [
        item
        for name, answer in plugins.results(hook, **kwargs)
        if name == plugin
        for item in answer
    ]
