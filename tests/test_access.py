"""Every endpoint declares who may use it; undeclared ones are refused; state changes need CSRF."""

from __future__ import annotations

import re

from flask import Blueprint

from intranet import create_app
from intranet.access import declared_access


def test_every_endpoint_declares_its_access(app):
    undeclared = [
        rule.endpoint for rule in app.url_map.iter_rules() if declared_access(rule.endpoint) is None
    ]
    assert undeclared == []


def test_an_undeclared_view_is_refused(config, make_user):
    app = create_app(config)
    bp = Blueprint("leaky", __name__)

    @bp.get("/leaky")
    def leaky() -> str:
        return "secret"

    app.register_blueprint(bp)
    with app.app_context():
        assert app.test_client().get("/leaky").status_code == 403


def _fill(rule) -> str:
    return re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", rule.rule)


def test_every_state_changing_route_refuses_a_missing_csrf_token(app, client, admin):
    client.login(admin.email)
    checked = 0
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            response = client.open(_fill(rule), method=method, data={})
            assert response.status_code in (400, 404), (rule.rule, method, response.status_code)
            checked += 1
    assert checked >= 3


def test_no_get_route_is_named_like_a_state_change(app):
    verbs = ("delete", "remove", "enable", "disable", "logout", "deactivate", "approve")
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods:
            assert not any(f"/{verb}" in rule.rule for verb in verbs), rule.rule


def test_anonymous_users_reach_only_public_pages(app, client):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        access = declared_access(rule.endpoint)
        response = client.get(_fill(rule))
        if access.anonymous:
            assert response.status_code in (200, 302, 400, 404), rule.rule
        else:
            assert response.status_code in (302, 401), rule.rule
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login"), rule.rule


def test_guests_are_refused_by_member_views(client, make_user):
    guest = make_user("guest")
    client.login(guest.email)
    assert client.get("/example/").status_code == 403
    assert client.get("/").status_code == 200
