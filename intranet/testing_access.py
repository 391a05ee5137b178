"""The vocabulary of access tables: who is expected to be able to use each endpoint.

The core's authorization matrix and every plugin's own tests declare the expected access of
their routes with these names (`case(STAFF_ONLY)`, `case(GRANTED, meeting_id="...")`, ...), one
table per plugin beside its tests, so adding a plugin never means editing the core's table.

A table maps an endpoint to a `Case` or a list of them. Each says which of the matrix's users
may use the endpoint, asked for with the objects named in its values:

- `roles`: which of "member", "secretariat" and "admin" may.
- `guest`: "no" (no guest), "granted" (only the guest whose grants hold the object: another
  guest must be refused) or "any" (every guest, for their own things).
- `anonymous`: whether someone not signed in may.

`post` gives a different rule for POST where the form does more than the page shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask


@dataclass(frozen=True)
class May:
    roles: tuple[str, ...] = ()
    guest: str = "no"
    anonymous: bool = False

    def allows(self, role: str) -> bool:
        if role == "anonymous":
            return self.anonymous
        if role == "guest":
            return self.guest in ("granted", "any")
        if role == "guest_other":
            return self.guest == "any"
        return role in self.roles


@dataclass(frozen=True)
class Case:
    may: May
    values: dict[str, Any] = field(default_factory=dict)
    post: May | None = None
    query: str = ""

    def rule_for(self, method: str) -> May:
        return self.post if method == "POST" and self.post is not None else self.may


MEMBERS = ("member", "secretariat", "admin")
STAFF = ("secretariat", "admin")

NOBODY = May()
ADMIN_ONLY = May(("admin",))
STAFF_ONLY = May(STAFF)
MEMBERS_ONLY = May(MEMBERS)
GRANTED = May(MEMBERS, guest="granted")
STAFF_AND_GRANTED_GUEST = May(STAFF, guest="granted")
ONLY_GRANTED_GUEST = May(guest="granted")
EVERY_USER = May(MEMBERS, guest="any")
GUESTS_ONLY = May(guest="any")
PUBLIC = May(MEMBERS, guest="any", anonymous=True)

AccessTable = Mapping[str, "Case | list[Case]"]


def case(may: May, post: May | None = None, query: str = "", **values: Any) -> Case:
    return Case(may, values, post, query)


def blueprint_of(endpoint: str) -> str | None:
    """The blueprint an endpoint belongs to (None for the app's own, such as "static")."""
    name, dot, _ = endpoint.rpartition(".")
    return name if dot else None


def endpoints_of(app: Flask, blueprint_names: Iterable[str]) -> set[str]:
    names = set(blueprint_names)
    return {
        rule.endpoint for rule in app.url_map.iter_rules() if blueprint_of(rule.endpoint) in names
    }


def assert_every_endpoint_has_a_rule(
    app: Flask, table: AccessTable, blueprint_names: Iterable[str]
) -> None:
    """Fail unless every endpoint of these blueprints has a row in `table`, and every row of
    `table` names an endpoint of theirs (a renamed or removed view leaves no stale row)."""
    names = sorted(set(blueprint_names))
    endpoints = endpoints_of(app, names)
    missing = sorted(endpoints - table.keys())
    stale = sorted(table.keys() - endpoints)
    assert not missing, f"endpoints of {names} without a row in the access table: {missing}"
    assert not stale, f"rows for no endpoint of {names} in the access table: {stale}"
