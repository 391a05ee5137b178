"""A lightweight, pluggable intranet for expert task forces.

The core, grouped by concern; no module-level import forms a cycle (tests/test_layering.py):

- foundation: `values` (the value types hooks exchange; imports nothing from the core),
  `extensions`, `config`, `models`, `hookspecs`, `forms`, `web` (full page or htmx fragment,
  form pages), `access` (who may use a view);
- `platform/`: plugin manager, the core's own hooks (`core_plugin`), mail, notifications,
  attachments, full-text, markdown, local time, audit records, CLI, backup, schema, scale and
  demo data, global search, the dashboard and error pages (`views`);
- `accounts/`: signing in and out (`auth`), sessions, two-factor, passwords, throttling and
  bounded request values (`security`), users and their delegations;
- `directory/`: members and vCards, profiles, directory queries, countries and
  organisations, their forms and demo data;
- `privacy/`: the notice and "Download my data" (`notice`, `export`), who sees which profile
  field (`audiences`), erasure and retention, and the internal plugin "privacy" (`hooks`);
- `administration/`: staff's user pages, the audit log, plugin settings.

`plugin_api` is the facade for plugins: plugins import only it and `hookspecs`, and no core
module imports it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask, abort, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from intranet import access, config, countries, picker, undo, web, zones
from intranet.accounts import auth, delegations, security, twofactor
from intranet.administration import audit as audit_log
from intranet.administration import landing as admin_landing
from intranet.administration import mail_queue, settings
from intranet.administration import users as user_administration
from intranet.directory import members, photos, profile, reference, welcome
from intranet.extensions import csrf, db, htmx, login_manager
from intranet.platform import (
    attachments,
    cli,
    core_plugin,
    localtime,
    mail_sender,
    notifications,
    plugins,
    schema,
    search,
    stamps,  # noqa: F401 (its table and session events, for every app)
    storage,
    submissions,
    tables,
    views,
)
from intranet.privacy import erasure_views, notice
from intranet.privacy import hooks as privacy_hooks


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application factory: configuration, extensions, plugins, blueprints, CLI."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "INTRANET_INSTANCE_PATH"
    )
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.jinja_options = {**app.jinja_options, "bytecode_cache": web.COMPILED_TEMPLATES}
    app.url_map.converters["int"] = security.BoundedIntegerConverter
    app.config.from_mapping(config.from_environment(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.load_secret_key(Path(app.instance_path))
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    app.request_class = security.BoundedRequest

    registry = plugins.init_app(app, internal=[("core", core_plugin), ("privacy", privacy_hooks)])
    schema.init_app(app)
    access.init_app(app)
    security.init_app(app)

    @app.before_request
    def hide_disabled_plugins() -> None:
        disabled = plugins.disabled_plugins()
        if any(registry.blueprint_owner.get(name) in disabled for name in request.blueprints):
            abort(404)

    localtime.init_app(app)
    auth.init_app(app)
    twofactor.init_app(app)
    views.init_app(app)
    for feature in (
        countries,
        zones,
        user_administration,
        audit_log,
        admin_landing,
        delegations,
        notifications,
        storage,
        attachments,
        mail_sender,
        mail_queue,
        members,
        erasure_views,
        profile,
        welcome,
        photos,
        notice,
        reference,
        search,
        picker,
        settings,
    ):
        feature.init_app(app)
    submissions.init_app(app)
    tables.init_app(app)
    undo.init_app(app)
    cli.init_app(app)
    return app


@event.listens_for(Engine, "connect")
def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    """SQLite as a real database: foreign keys on, WAL for concurrent readers, a busy timeout.

    PostgreSQL without JIT compilation: it compiles any statement the planner costs above
    `jit_above_cost`, which a page's statement over a large table reaches, and compiling took
    50-60 ms for a search that runs in 20 (a web page never runs long enough to repay it). And
    with a random read costed as what it is on an SSD or in memory (`random_page_cost` 1.1
    instead of 4, which models a spinning disk): under 4, PostgreSQL read an index of 450,000
    published lessons (50 ms) to spare itself a few hundred row fetches it thought slow.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
    elif type(dbapi_connection).__module__.startswith("psycopg"):
        dbapi_connection.execute("SET jit = off")
        dbapi_connection.execute("SET random_page_cost = 1.1")
        dbapi_connection.commit()  # a SET in a transaction rolled back would be undone
