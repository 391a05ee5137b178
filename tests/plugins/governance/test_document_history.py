"""A document revised for years shows its text in force and its history a page at a time (at
N=10, 1,500 revisions made the page 400 KB)."""

from __future__ import annotations

import re

from intranet.extensions import db
from intranet_governance.models import Revision


def test_the_history_comes_a_page_at_a_time_with_the_text_in_force(client, member, monkeypatch):
    monkeypatch.setattr("intranet_governance.views.texts.HISTORY_PAGE", 3)
    db.session.add_all(
        Revision(document="methods", number=n, body=f"Body number {n}.", reason=f"Reason {n}")
        for n in range(1, 6)
    )
    db.session.commit()
    client.login(member.email)

    first = client.get("/governance/documents/methods").get_data(as_text=True)
    assert "Body number 5." in first and "Body number 4." not in first
    assert re.findall(r"Reason (\d)", first) == ["5", "4", "3"]
    assert "Revisions 1 to 3 of 5, newest first" in first
    assert "/governance/documents/methods/diff?from=4&amp;to=5" in first
    assert "page=2" in first

    second = client.get("/governance/documents/methods?page=2").get_data(as_text=True)
    assert re.findall(r"Reason (\d)", second) == ["2", "1"]
    assert "Body number 5." in second  # the text in force, whatever the page
    changes = client.get("/governance/documents/methods/diff?from=1&to=2")
    assert changes.status_code == 200
