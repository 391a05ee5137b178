"""A lightweight, pluggable intranet for expert task forces."""

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

from intranet import access, config, plugins, schema, security
from intranet.extensions import csrf, db, htmx, login_manager


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application factory: configuration, extensions, plugins, blueprints, CLI."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "INTRANET_INSTANCE_PATH"
    )
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
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

    from intranet import core_plugin, privacy

    registry = plugins.init_app(app, internal=[("core", core_plugin), ("privacy", privacy)])
    schema.init_app(app)
    access.init_app(app)
    security.init_app(app)

    @app.before_request
    def hide_disabled_plugins() -> None:
        disabled = plugins.disabled_plugins()
        if any(registry.blueprint_owner.get(name) in disabled for name in request.blueprints):
            abort(404)

    from intranet import (
        admin_users,
        attachments,
        audit_views,
        auth,
        cli,
        delegations,
        directory,
        erasure,
        localtime,
        notifications,
        profile,
        reference,
        search,
        settings,
        twofactor,
        views,
    )

    localtime.init_app(app)
    auth.init_app(app)
    twofactor.init_app(app)
    views.init_app(app)
    for feature in (
        admin_users,
        audit_views,
        delegations,
        notifications,
        attachments,
        directory,
        erasure,
        profile,
        privacy,
        reference,
        search,
        settings,
    ):
        feature.init_app(app)
    cli.init_app(app)
    return app


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """SQLite as a real database: foreign keys on, WAL for concurrent readers, a busy timeout."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
