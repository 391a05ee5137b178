"""Who may use each endpoint: the expected answers of the authorization matrix, written by hand.

This table is the intended policy, read from the design and the plugins' documentation, not
derived from the code under test. Every endpoint in the URL map needs an entry (a new endpoint
without one fails the matrix test). The core's rows are here; each plugin the suite loads
(`tests/conftest.py` PLUGINS) declares its own in `tests/plugins/<name>/access_table.py`
(the example plugin: `tests/example_plugin/access_table.py`), with the vocabulary of
`intranet.testing_access`, and TABLE gathers them all.

Each entry says which of the matrix's users may use the endpoint, asked for with the objects
named in its values (symbolic names resolved from the demo world, see conftest.py):

- `roles`: which of "member", "secretariat" and "admin" may. The matrix member is a plain
  expert: convenes no sub-group, authors no lesson, sponsors no guest, chairs nothing; so what
  only convenors, authors, sponsors or the chair may do appears here as STAFF.
- `guest`: "no" (no guest), "granted" (only the guest whose grants hold the object: the other
  guest must be refused, that is the IDOR check) or "any" (every guest, for their own things).
- `anonymous`: whether someone not signed in may.

Refused means 403 or 404, or sent back with an error message (a flashed "error", as the
sub-groups plugin does for actions the page itself would not offer); an anonymous user is sent
to the login page (401 for htmx and POST).

`post` gives a different rule for POST where the form does more than the page shows.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from flask import Flask

from intranet.testing_access import (
    ADMIN_ONLY,
    EVERY_USER,
    GRANTED,
    MEMBERS_ONLY,
    ONLY_GRANTED_GUEST,
    PUBLIC,
    STAFF_ONLY,
    Case,
    May,
    blueprint_of,
    case,
)
from tests.conftest import PLUGINS

__all__ = ["TABLE", "Case", "May", "cases", "where_rows_belong"]

CORE_TABLE: dict[str, Case | list[Case]] = {
    # --- core: dashboard, account, notifications, search ---
    "views.dashboard": case(EVERY_USER),
    "views.welcome_widget": case(EVERY_USER),
    "views.healthz": case(PUBLIC),  # the load balancer's and the benchmark's bare route
    "views.favicon": case(PUBLIC),  # browsers ask for /favicon.ico on every site
    "auth.login": case(PUBLIC),
    "auth.logout": case(EVERY_USER),
    "auth.forgot_password": case(PUBLIC),
    "auth.reset_password": case(PUBLIC, token="reset_token"),
    "auth.change_password": case(EVERY_USER),
    "auth.sign_out_others": case(EVERY_USER),
    "auth.sign_out_everywhere": case(EVERY_USER),
    "twofactor.verify": case(PUBLIC),
    "twofactor.security": case(EVERY_USER),
    "twofactor.confirm": case(EVERY_USER),
    "twofactor.disable": case(EVERY_USER),
    "twofactor.recovery_codes": case(EVERY_USER),
    "profile.edit": case(EVERY_USER),
    "welcome.setup": case(EVERY_USER),
    "photos.upload": case(EVERY_USER),
    "photos.remove": case(EVERY_USER),
    "search.index": case(EVERY_USER),
    # choosing people in a form: never guests
    "picker.people": case(MEMBERS_ONLY, query="field=owner&owner_q=a"),
    "notifications.index": case(EVERY_USER),
    "notifications.mark_read": case(ONLY_GRANTED_GUEST),  # the notification is the guest's
    "notifications.mark_all_read": case(EVERY_USER),
    "undo.undo": case(EVERY_USER),  # an unknown or foreign offer is only "too late"
    "static": case(PUBLIC, filename="css/app.css"),
    # --- core: privacy notice, "Download my data" (the export is the granted guest's own) ---
    "privacy.notice": case(PUBLIC),
    "privacy.notice_version": case(PUBLIC, version="notice_version"),
    "privacy.acknowledge": case(EVERY_USER),
    "privacy.my_data": case(EVERY_USER),
    "privacy.request_export": case(EVERY_USER),
    "privacy.export_status": case(ONLY_GRANTED_GUEST, export_id="privacy_export"),  # its owner
    "privacy.download_export": case(ONLY_GRANTED_GUEST, export_id="privacy_export"),
    # --- core: erasure (anyone asks for their own; the secretariat decides) ---
    "erasure.request_erasure": case(EVERY_USER),
    "erasure.cancel_request": case(EVERY_USER),
    # --- core: directory (guests see only the people they work with) ---
    "directory.index": case(MEMBERS_ONLY),
    "directory.delegations": case(MEMBERS_ONLY),
    "directory.delegation": case(MEMBERS_ONLY),
    "directory.export_csv": case(STAFF_ONLY),
    "directory.member_profile": case(GRANTED),  # a member of the granted sub-group only
    "directory.member_vcard": case(GRANTED),
    "photos.photo": case(GRANTED),  # a 404 for a member without a photo, like a hidden one
    # --- core: attachments follow their object ---
    "attachments.download": [
        case(GRANTED, attachment_id="group_document"),
        case(GRANTED, attachment_id="agenda_document"),
        case(GRANTED, attachment_id="lesson_document"),  # shared with partners
    ],
    # --- core: administration ---
    "views.admin_plugins": case(ADMIN_ONLY),
    "views.toggle_plugin": case(ADMIN_ONLY, name="example", action="disable"),
    "admin_users.index": case(STAFF_ONLY),
    "admin_users.detail": case(STAFF_ONLY),
    "admin_users.create": case(STAFF_ONLY),
    "admin_users.import_users": case(STAFF_ONLY),
    "admin_users.confirm_import": case(STAFF_ONLY),
    "admin_users.set_active": case(STAFF_ONLY, action="deactivate"),
    "admin_users.resend": case(STAFF_ONLY),
    "admin_users.change_role": case(STAFF_ONLY),
    "delegations.request_change": case(MEMBERS_ONLY),
    "delegations.set_by_staff": case(STAFF_ONLY),
    "delegations.decide": case(STAFF_ONLY, request_id=1, decision="decline"),
    "admin_home.index": case(STAFF_ONLY),
    "audit.index": case(STAFF_ONLY),
    "audit.export": case(STAFF_ONLY),
    "reference.countries": case(STAFF_ONLY),
    "reference.edit_country": case(STAFF_ONLY),
    "reference.organisations": case(STAFF_ONLY),
    "reference.edit_organisation": case(STAFF_ONLY),
    "privacy.admin": case(STAFF_ONLY),
    "privacy.edit_notice": case(ADMIN_ONLY),
    "erasure.requests": case(STAFF_ONLY),
    "erasure.confirm": case(STAFF_ONLY, request_id="erasure_request"),
    "erasure.decline": case(STAFF_ONLY, request_id="erasure_request"),
    "erasure.retention_preview": case(STAFF_ONLY),
    "erasure.erase_user": case(ADMIN_ONLY),
    "settings.index": case(ADMIN_ONLY),
    "settings.update": case(ADMIN_ONLY, plugin="partners"),
    "mail_queue.index": case(ADMIN_ONLY),
    "mail_queue.send_again": case(ADMIN_ONLY, mail_id="failed_mail"),
}


def table_module(plugin: str) -> str:
    """The module holding a plugin's rows."""
    if plugin == "example":
        return "tests.example_plugin.access_table"
    return f"tests.plugins.{plugin}.access_table"


def _gather() -> dict[str, Case | list[Case]]:
    table = dict(CORE_TABLE)
    for plugin in PLUGINS:
        rows = importlib.import_module(table_module(plugin)).TABLE
        twice = sorted(table.keys() & rows.keys())
        assert not twice, f"{table_module(plugin)} repeats rows declared elsewhere: {twice}"
        table.update(rows)
    return table


TABLE: dict[str, Case | list[Case]] = _gather()


def cases(endpoint: str) -> list[Case]:
    entry = TABLE[endpoint]
    return entry if isinstance(entry, list) else [entry]


def where_rows_belong(app: Flask, endpoints: Iterable[str]) -> str:
    """Which module each endpoint's row belongs in: the table of the plugin whose blueprint
    serves it, or this module for the core's."""
    modules: dict[str, list[str]] = {}
    for endpoint in sorted(endpoints):
        blueprint = blueprint_of(endpoint)
        package = app.blueprints[blueprint].import_name.split(".")[0] if blueprint else "intranet"
        plugin = package.removeprefix("intranet_")
        module = table_module(plugin) if plugin in PLUGINS else __name__
        modules.setdefault(module, []).append(endpoint)
    return "; ".join(f"no row for {rows}: add it to {module}" for module, rows in modules.items())
