"""Who may use each polls page, written by hand: every endpoint needs a row, and the pages
answer what their rows say."""

import pytest
from flask import url_for

from intranet.testing_access import (
    MEMBERS_ONLY,
    STAFF_ONLY,
    Case,
    assert_every_endpoint_has_a_rule,
    case,
)

TABLE: dict[str, Case | list[Case]] = {
    "polls.index": case(MEMBERS_ONLY),
    "polls.new": case(MEMBERS_ONLY),
    "polls.show": case(MEMBERS_ONLY),
    "polls.vote": case(MEMBERS_ONLY),
    "polls.close": case(STAFF_ONLY),  # and the poll's author
}


def test_every_polls_endpoint_has_a_row(app):
    assert_every_endpoint_has_a_rule(app, TABLE, ["polls"])


@pytest.mark.parametrize("role", ["member", "secretariat", "admin", "guest"])
@pytest.mark.parametrize("endpoint", ["polls.index", "polls.new"])
def test_the_pages_answer_each_role_as_the_table_says(app, client, signed_in, role, endpoint):
    signed_in(role)
    with app.test_request_context():
        path = url_for(endpoint)
    assert (client.get(path).status_code == 200) is TABLE[endpoint].may.allows(role)
