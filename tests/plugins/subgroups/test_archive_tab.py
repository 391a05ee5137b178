"""The sub-groups' tabs split groups by their end date: a group ending today is still active,
one that ended yesterday is archived, and a proposal is never archived because of its dates
(mutmut found the archived rule's boundary and status unchecked)."""

from __future__ import annotations

from datetime import timedelta

from intranet.extensions import db
from intranet_subgroups.models import today


def test_the_tabs_split_groups_by_their_end_date(client, member, make_group):
    ends_today = make_group("Ends today")
    ended = make_group("Ended yesterday")
    proposal = make_group("Proposal with old dates", status="proposed")
    ends_today.end_date = today()
    ended.end_date = today() - timedelta(days=1)
    proposal.end_date = today() - timedelta(days=1)
    db.session.commit()
    client.login(member.email)

    active = client.get("/subgroups/").get_data(as_text=True)
    archived = client.get("/subgroups/?tab=archived").get_data(as_text=True)
    assert "Ends today" in active and "Ends today" not in archived
    assert "Ended yesterday" in archived and "Ended yesterday" not in active
    assert "Proposal with old dates" not in archived
