"""The CSRF walk: every state-changing route, asked for with real objects of the demo world by a
user who may use it, submitting the page's own form without its token, is refused with 400 or
403 and changes nothing. A route that forgot its CSRF check would do what the form asks."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from tests.security.access_table import cases
from tests.security.conftest import ROLES
from tests.security.world_state import (
    changed_tables,
    database_state,
    form_data,
    path_of,
    routes,
)

pytestmark = pytest.mark.filterwarnings("ignore")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def allowed_user(may: Any) -> str:
    """Someone the table lets use the route (the admin when nobody may)."""
    return next((role for role in reversed(ROLES) if may.allows(role)), "admin")


def test_every_state_changing_route_refuses_a_request_without_a_token(demo_app, world, forms):
    wrong, checked = [], 0
    before = database_state()
    for rule in routes(demo_app):
        for method in sorted(rule.methods & STATE_CHANGING):
            for case in cases(rule.endpoint):
                path = path_of(rule, case, world)
                role = allowed_user(case.rule_for("POST"))
                data = MultiDict(form_data(forms.get(path.split("?")[0]), None))
                response = world["browsers"][role].open(path, method=method, data=data)
                checked += 1
                if response.status_code not in (400, 403):
                    wrong.append(f"{method} {path} as {role}: {response.status_code}")
    print(f"\ncsrf walk: {checked} requests without a token")
    assert checked > 100
    assert wrong == [], "\n".join(wrong)
    assert changed_tables(before, database_state()) == []
