"""Fixtures for testing the intranet and its plugins: a pytest plugin.

Installed with the intranet, it is registered through the `pytest11` entry point, so every
pytest run in an environment with the intranet installed has these fixtures; a plugin's tests
need no conftest at all. Each test gets a database as a template migrated once per session
(core and every selected plugin's branch) has it: a copy of the template file on SQLite, one of
two emptied copies on PostgreSQL (`intranet.testing_databases`).

- `intranet_plugins` (session): the entry-point names to load; default None, every installed
  plugin. Override it in a conftest to test a plugin alone or beside a chosen set.
- `@pytest.mark.fresh_database`: a new copy on PostgreSQL, for a test that reads query plans.
- `config`, `app` (inside an app context), `client` (a `Client`: CSRF-aware `submit`, `login`).
- `make_user(role, email=None, name=None, **fields)`; `admin`, `secretariat`, `member`, `guest`.
- `signed_in(role_or_user)`: signs the client in as a new user of that role (or the given user).
- `demo_data`: the core's demo accounts and every enabled plugin's demo data, keyed like
  `intranet.platform.demo.DEMO_PEOPLE` (`"admin"`, `"secretariat"`, `"member_se"`, ...).
- `deliver_mail()`: deliver the committed mail in the outbox queue now (what the sender thread
  does in a running server); returns an `intranet.platform.outbox.Delivery`.
- `outbox()`: delivers the committed queue (`deliver_mail()`), then returns the mails written to
  the outbox folder so far, oldest first.

Set INTRANET_TEST_DATABASE_URL to a PostgreSQL server URL (a role that may create databases)
to run on PostgreSQL; otherwise every test runs on an SQLite file in its temporary folder.
"""

from __future__ import annotations

import itertools
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intranet import create_app
from intranet.extensions import db
from intranet.models import User
from intranet.platform import plugins, schema
from intranet.testing_databases import (
    POSTGRES_URL,
    TemplateCopies,
    forget_changes,
    postgres_execute,
    postgres_url,
)

PASSWORD = "correct horse battery staple"  # noqa: S105 - the test users' password
_counter = itertools.count()


def base_config(
    tmp_path: Path, database_url: str, plugins: list[str] | None = None
) -> dict[str, Any]:
    """A test configuration: fast password hashing, mail to a folder, no two-factor."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_OUTBOX": str(tmp_path / "outbox"),
        "SMTP_HOST": "",
        "MAIL_SENDER": "off",  # tests deliver with `deliver_mail()` / `outbox()`
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "ARGON2_PARALLELISM": 1,
        "TWO_FACTOR_REQUIRED_ROLES": (),
    }
    if plugins is not None:
        config["PLUGINS"] = list(plugins)
    return config


def migrate(app: Flask) -> None:
    """Upgrade `app`'s database to every head."""
    with app.app_context():
        schema.upgrade()
        db.engine.dispose()


class Client(FlaskClient):
    """A test client that sends the CSRF token like a browser form does.

    Each request runs in an app context of its own, as a worker serves it (fresh `g`), while
    the test's own session commits before and after it, so both sides see each other's writes.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        db.session.commit()
        with self.application.app_context():
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


def tables_of_other_plugins() -> set[str]:
    """Tables in the shared SQLAlchemy metadata that belong to installed plugins the current app
    did not load: an app built earlier in the same process with every plugin imported their
    models, but this app's database has none of their tables. Checks that walk every table
    (snapshots, autogenerate) leave these out."""
    loaded = {info.module.__name__.split(".")[0] for info in plugins.registry().plugins.values()}
    others = (
        {
            entry_point.module.split(".")[0]
            for entry_point in metadata.entry_points(group=plugins.ENTRY_POINT_GROUP)
        }
        - loaded
        - {"intranet"}
    )
    return {
        mapper.local_table.name
        for mapper in db.Model.registry.mappers
        if mapper.class_.__module__.split(".")[0] in others
    }


def mail_text(message: EmailMessage) -> str:
    """The plain-text body of a mail from `outbox()`."""
    return message.get_body(preferencelist=("plain",)).get_content()


def contributions(plugin: str, hook: str, **kwargs: Any) -> list[Any]:
    """What one plugin alone contributes to a list hook (other plugins contribute too)."""
    return [
        item
        for name, answer in plugins.results(hook, **kwargs)
        if name == plugin
        for item in answer
    ]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fresh_database: the test's PostgreSQL database is a new copy, not emptied"
    )


@pytest.fixture(scope="session")
def intranet_plugins() -> list[str] | None:
    """Entry-point names of the plugins to load; None loads every installed plugin."""
    return None


@pytest.fixture(scope="session", autouse=True)
def _only_the_chosen_plugins(intranet_plugins: list[str] | None) -> Iterator[None]:
    """Apps a test builds itself (`create_app()` without this config) load the same plugins:
    once a plugin is imported, its models stay in the shared metadata for the session."""
    with pytest.MonkeyPatch.context() as patch:
        if intranet_plugins is not None:
            patch.setenv("INTRANET_PLUGINS", ",".join(intranet_plugins))
        yield


@pytest.fixture(scope="session")
def database_template(
    tmp_path_factory: pytest.TempPathFactory, intranet_plugins: list[str] | None
) -> Iterator[str]:
    """A database migrated to every head once per session; tests get copies of it."""
    folder = tmp_path_factory.mktemp("template")
    if POSTGRES_URL:
        name = f"intranet_tpl_{uuid.uuid4().hex[:8]}"
        postgres_execute(f'CREATE DATABASE "{name}"')
        migrate(create_app(base_config(folder, postgres_url(name), intranet_plugins)))
        forget_changes(name)
        yield name
        postgres_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = folder / "template.db"
        migrate(create_app(base_config(folder, f"sqlite:///{path}", intranet_plugins)))
        yield str(path)


@pytest.fixture(scope="session")
def _template_copies(database_template: str) -> Iterator[TemplateCopies | None]:
    if not POSTGRES_URL:
        yield None
        return
    copies = TemplateCopies(database_template)
    yield copies
    copies.close()


@pytest.fixture
def database_url(
    database_template: str,
    _template_copies: TemplateCopies | None,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[str]:
    """A database as the template has it, for one test alone."""
    if _template_copies is not None:
        name = _template_copies.take(
            fresh=request.node.get_closest_marker("fresh_database") is not None
        )
        yield postgres_url(name)
        _template_copies.give_back(name)
    else:
        path = tmp_path / "test.db"
        shutil.copyfile(database_template, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def config(tmp_path: Path, database_url: str, intranet_plugins: list[str] | None) -> dict[str, Any]:
    """The app's configuration; a test may change it before asking for `app`."""
    return base_config(tmp_path, database_url, intranet_plugins)


@pytest.fixture
def app(config: dict[str, Any]) -> Iterator[Flask]:
    """The app, with an app context open for the whole test."""
    app = create_app(config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> Client:
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create a user directly in the database (password: PASSWORD)."""
    from intranet.accounts.security import hash_password

    password_hash = hash_password(PASSWORD)

    def make(
        role: str = "member", email: str | None = None, name: str | None = None, **fields: Any
    ) -> User:
        user = User(
            email=email or f"{role}{next(_counter)}@example.org",
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
def admin(make_user: Callable[..., User]) -> User:
    return make_user("admin", email="admin@example.org", name="Ada Admin")


@pytest.fixture
def secretariat(make_user: Callable[..., User]) -> User:
    return make_user("secretariat", email="sec@example.org", name="Sofia Secretariat")


@pytest.fixture
def member(make_user: Callable[..., User]) -> User:
    return make_user("member", email="member@example.org", name="Maria Member")


@pytest.fixture
def guest(make_user: Callable[..., User]) -> User:
    return make_user("guest", email="guest@partner.example", name="Gabriel Guest")


@pytest.fixture
def signed_in(client: Client, make_user: Callable[..., User]) -> Callable[[str | User], User]:
    """Sign `client` in as a new user of a role, or as a given user; returns the user.

    Signing in again first signs the previous user out."""
    signed: list[User] = []

    def sign_in(who: str | User) -> User:
        user = make_user(who) if isinstance(who, str) else who
        if signed:
            client.submit("/logout")
        signed.append(user)
        response = client.login(user.email)
        assert response.status_code == 302, f"{user.email} could not sign in"
        return user

    return sign_in


@pytest.fixture
def demo_data(app: Flask) -> dict[str, User]:
    """The demo accounts and every enabled plugin's demo data, keyed like intranet.platform.demo.

    Demo accounts sign in with `intranet.platform.demo.DEMO_PASSWORD`, not PASSWORD.
    """
    from intranet.platform.demo import DEMO_PEOPLE, create_demo_data, demo_email

    with app.test_request_context("/", base_url=app.config["BASE_URL"]):
        create_demo_data()
    return {
        key: db.session.scalars(select(User).where(User.email == demo_email(key))).one()
        for key, *_ in DEMO_PEOPLE
    }


@pytest.fixture
def deliver_mail(app: Flask) -> Callable[[], Any]:
    """Deliver the committed, due mail of the outbox queue, as a sender would."""
    from intranet.platform.outbox import deliver_due

    def deliver() -> Any:
        db.session.commit()  # the test's own session must not hold SQLite's write lock
        return deliver_due()

    return deliver


@pytest.fixture
def outbox(app: Flask, deliver_mail: Callable[[], Any]) -> Callable[[], list[EmailMessage]]:
    """Deliver the committed queue, then read the .eml files in the outbox, oldest first."""

    def read() -> list[EmailMessage]:
        deliver_mail()
        folder = Path(app.config["MAIL_OUTBOX"])
        if not folder.exists():
            return []
        parser = BytesParser(policy=policy.default)
        return [parser.parsebytes(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]

    return read


def sample_photo(width: int = 640, height: int = 480, image_format: str = "JPEG") -> bytes:
    """A photo as a camera would send it: not square, with EXIF (a camera make, a GPS tag)."""
    import io

    from PIL import Image

    image = Image.new("RGB", (width, height), "#3a7bd5")
    image.paste(Image.new("RGB", (width // 4, height // 4), "#ffcc00"), (width // 2, height // 2))
    exif = Image.Exif()
    exif[0x010F] = "Testcam"  # Make
    exif[0x8825] = {1: "N", 2: (56.0, 57.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, image_format, exif=exif.tobytes())
    return out.getvalue()
