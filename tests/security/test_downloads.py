"""Exports and downloads are private: no proxy or browser cache may keep them.

Every GET route of the URL map is asked, with the real objects of the demo world, by every kind
of user; whatever comes back as a file (named for saving, or of a type only exports and uploads
have) must say `Cache-Control: private, no-store`. The kinds found are checked too, so the test
cannot pass by finding no download at all.
"""

from __future__ import annotations

from tests.security.access_table import cases
from tests.security.conftest import ROLES
from tests.security.test_authorization_matrix import path_of, routes

EXPORT_TYPES = {
    "text/calendar",
    "text/vcard",
    "text/csv",
    "text/markdown",
    "application/pdf",
    "application/json",
    "application/zip",
    "application/octet-stream",
}


def test_every_export_and_download_is_private(demo_app, world):
    found, cacheable = set(), []
    for rule in routes(demo_app):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for case in cases(rule.endpoint):
            path = path_of(rule, case, world)
            for role in ROLES:
                response = world["browsers"][role].get(path)
                if response.status_code != 200:
                    continue
                named = "Content-Disposition" in response.headers
                if not named and response.mimetype not in EXPORT_TYPES:
                    continue
                found.add(response.mimetype)
                if response.headers.get("Cache-Control") != "private, no-store":
                    cacheable.append(f"{path} as {role}: {response.headers.get('Cache-Control')}")
    assert {"text/calendar", "text/vcard", "text/csv", "application/pdf"} <= found, found
    assert {"text/markdown", "application/json"} <= found, found
    assert cacheable == []
