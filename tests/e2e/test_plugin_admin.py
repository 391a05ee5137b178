"""An admin switches a plugin off and on again from /admin/plugins, without a page reload, and
both of the server's workers follow (each keeps its own plugin manager)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD, WORKERS, LiveServer
from tests.e2e.journeys import header_nav, sign_in

pytestmark = pytest.mark.e2e
ASKS = 200


def every_worker_answers(page, live_server: LiveServer, path: str) -> set[int]:
    """Asks for `path` until each worker has answered it; returns the statuses they gave."""
    since = live_server.log_size()
    for _ in range(ASKS):
        # A new connection each time: threaded workers keep a connection alive, and a kept one
        # always reaches the same worker.
        page.request.get(path, headers={"Connection": "close"})
        by_worker = live_server.answers(path, since)
        if len(by_worker) == WORKERS:
            return set().union(*by_worker.values())
    pytest.fail(f"{ASKS} requests for {path} reached only the workers {sorted(by_worker)}")


def test_admin_disables_and_enables_a_plugin_without_a_reload(page, live_server):
    sign_in(page, ADMIN_EMAIL, PASSWORD)
    page.goto("/admin/plugins")
    nav_link = header_nav(page).get_by_role("link", name="Example notes")
    row = page.locator("#plugin-example")
    expect(nav_link).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")

    heading = page.get_by_role("heading", level=1)

    def offset() -> float:  # from the page's heading: the menu above may lose a line
        return row.bounding_box()["y"] - heading.bounding_box()["y"]

    top = offset()
    row.get_by_role("button", name="Disable example").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Disable example for everyone?")
    dialog.get_by_role("button", name="Disable example").click()
    expect(row).to_contain_text("Disabled")
    expect(page.locator("#plugins-status")).to_contain_text("Plugin “example” disabled.")
    assert abs(offset() - top) < 1  # the message does not push the rows down
    expect(row.get_by_role("button", name="Enable example")).to_be_focused()
    expect(nav_link).to_have_count(0)
    assert every_worker_answers(page, live_server, "/example/") == {404}
    assert page.evaluate("window.stillTheSamePage") is True

    row.get_by_role("button", name="Enable example").click()
    expect(row).to_contain_text("Enabled")
    expect(nav_link).to_be_visible()
    assert every_worker_answers(page, live_server, "/example/") == {200}
    assert page.evaluate("window.stillTheSamePage") is True
