"""Similar work keeps the groups' words per worker and is never stale: each change to a group's
name, mandate or status, a new group and a deleted one show on the next draft compared."""

from __future__ import annotations

import pytest

from intranet.extensions import db
from intranet.plugin_api import collect
from tests.query_plans import recorded

DRAFT = "Seasonal workers in berry picking: forced labour and recruitment fees"


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


def similar(member, text: str = DRAFT) -> list[str]:
    db.session.commit()  # a new transaction: the stamp is read again, as on the next request
    items = collect("intranet_similar_work", text=text, user=member, limit=5)
    return [item.title for item in items if item.kind.startswith("Sub-group")]


def test_each_change_to_a_group_shows_on_the_next_draft(member, make_group):
    berries = make_group("Berry picking", mandate="Seasonal workers and recruitment fees.")
    other = make_group("Data collection", mandate="Statistics of identified victims.")
    assert similar(member) == ["Berry picking"]

    # Each watched column, changed and committed: the next draft sees it.
    for group, column, value, found in [
        (other, "name", "Seasonal workers", ["Berry picking", "Seasonal workers"]),
        (other, "name", "Data collection", ["Berry picking"]),
        (
            other,
            "mandate",
            "Forced labour statistics from berry picking.",
            ["Berry picking", "Data collection"],
        ),
        (berries, "status", "rejected", ["Data collection"]),
    ]:
        setattr(group, column, value)
        db.session.commit()
        assert similar(member) == found, column

    make_group("Recruitment fees", mandate="Seasonal workers recruited abroad.")
    assert similar(member) == ["Recruitment fees", "Data collection"]

    db.session.delete(other)
    db.session.commit()
    assert similar(member) == ["Recruitment fees"]


def test_a_draft_reads_only_the_groups_it_shows(member, make_group):
    for number in range(30):
        make_group(f"Seasonal work {number}", mandate="Recruitment fees of berry pickers.")
    make_group("Berry picking", mandate="Seasonal workers and recruitment fees.")
    similar(member)  # the words are read once per stamp
    with recorded(lambda statement: "subgroups_group" in statement) as sent:
        found = similar(member)
    assert found[0] == "Berry picking" and len(found) == 5
    assert len(sent) == 1 and "IN (" in sent[0].upper()
