"""What the POST checks need from the demo world: the state of the database, to show that a
refused request changed nothing, and each route's own form, to send what a browser would."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule

from intranet.extensions import db
from intranet.testing import tables_of_other_plugins
from tests.security.access_table import Case, cases
from tests.security.crawler import Form, forms_in, parse

# Written by every request of a signed-in user (when they were last seen), not by the action.
VOLATILE_COLUMNS = {("user_account", "last_seen_at")}
# The workers' shared cache of counted figures: any request may fill it, a refused one too
# (its page's banners, counted again once a stamp moved or a figure's time passed), and it
# holds nothing the other tables do not; a change of what it counts shows in those tables.
CACHE_TABLES = {"shared_figure"}


def routes(app: Flask) -> Iterator[Rule]:
    yield from sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


def path_of(rule: Rule, case: Case, world: dict[str, Any]) -> str:
    values = {}
    for name in rule.arguments:
        value = case.values.get(name, name)
        values[name] = world["values"].get(value, value)
    _, path = rule.build(values, append_unknown=False)
    return f"{path}?{case.query}" if case.query else path


def database_state() -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows."""
    db.session.rollback()
    state = {}
    foreign = tables_of_other_plugins()
    for table in db.metadata.sorted_tables:
        if table.name in foreign or table.name in CACHE_TABLES:
            continue
        columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE_COLUMNS]
        rows = db.session.execute(select(*columns)).all()
        digest = hashlib.sha256(repr(sorted(repr(tuple(row)) for row in rows)).encode())
        state[table.name] = (len(rows), digest.hexdigest()[:16])
    db.session.rollback()
    return state


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


def post_forms(app: Flask, world: dict[str, Any]) -> dict[str, Form]:
    """Each POST route's own form, from the GET pages of the access table as the users who may
    see them (the admin's first: the fullest forms)."""
    pages = [
        path_of(rule, case, world)
        for rule in routes(app)
        if "GET" in rule.methods and rule.endpoint != "static"
        for case in cases(rule.endpoint)
    ]
    browsers = [world["browsers"][role] for role in ("admin", "secretariat", "member", "guest")]
    return form_index(app, browsers, pages)


def form_index(app: Flask, browsers: Iterable[Any], pages: Iterable[str]) -> dict[str, Form]:
    """The first form posting to each path, found on `pages` as the given browsers see them."""
    index: dict[str, Form] = {}
    for browser in browsers:
        for page in pages:
            response = browser.get(page)
            if response.status_code != 200 or "html" not in response.content_type:
                continue
            for form in forms_in(app, page, parse(response.get_data(as_text=True))):
                if form.method == "post":
                    index.setdefault(urlsplit(form.action).path, form)
    return index


def form_data(form: Form | None, csrf_token: str | None) -> list[tuple[str, str]]:
    """The form as a browser would send it, with `csrf_token` (or none) as its only token
    (a prefixed form names its token field "<prefix>-csrf_token")."""
    pairs = [(k, v) for k, v in (form.defaults() if form else []) if not k.endswith("csrf_token")]
    return pairs + ([("csrf_token", csrf_token)] if csrf_token is not None else [])
