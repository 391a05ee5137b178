"""An invitation sent twice (a retry after a dropped answer) invites and mails once."""

from __future__ import annotations

from tests.conftest import PASSWORD
from tests.plugins.partners.conftest import invite_data, stored_counts
from tests.retry_helpers import submit_twice


def test_an_invitation_sent_twice_is_made_and_mailed_once(client, secretariat, notes, outbox):
    client.login(secretariat.email, PASSWORD)
    first, second = submit_twice(client, "/partners/invite", invite_data([notes[0].id]))
    assert first.status_code == second.status_code == 303
    assert second.location == first.location
    assert stored_counts()[0] == 1
    assert len(outbox()) == 1
    page = client.get(second.location).get_data(as_text=True)
    assert "nora@ngo.example" in page and "already been sent" in page
