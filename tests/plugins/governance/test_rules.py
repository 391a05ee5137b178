"""One rule for seeing an activity report: `can()`, `can_many()` and the governance pages
agree for every role, on a draft and on a submitted report."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from intranet.plugin_api import ResourceRef, can, can_many, db, utcnow
from intranet_governance.models import Report

KIND = "governance.report"
VIEW = "governance.view"


@pytest.fixture
def world(make_user: Any, member: Any, admin: Any, secretariat: Any, chair: Any) -> Any:
    reports = {
        "draft": Report(title="Draft report", start=date(2025, 7, 1), end=date(2026, 6, 30)),
        "submitted": Report(
            title="Submitted report",
            start=date(2024, 7, 1),
            end=date(2025, 6, 30),
            submitted_at=utcnow(),
            snapshot=[],
        ),
    }
    db.session.add_all(reports.values())
    db.session.commit()
    people = {
        "admin": admin,
        "secretariat": secretariat,
        "chair": chair,
        "member": member,
        "guest": make_user("guest", email="guest@ngo.example", name="Greta Guest"),
    }
    return people, reports


EXPECTED = {
    "admin": {"draft", "submitted"},
    "secretariat": {"draft", "submitted"},
    "chair": {"draft", "submitted"},
    "member": {"submitted"},
    "guest": set(),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_can_and_can_many_say_what_the_pages_show(
    client: Any, sign_in: Any, world: Any, role: str
) -> None:
    people, reports = world
    user = people[role]
    sign_in(user)
    listing = client.get("/governance/reports")
    seen = set()
    for state, report in reports.items():
        page = client.get(f"/governance/reports/{report.id}").status_code
        listed = listing.status_code == 200 and (
            f'href="/governance/reports/{report.id}"' in listing.get_data(as_text=True)
        )
        allowed = can(user, "governance.view", ResourceRef(KIND, report.id))
        assert (page == 200) == listed == allowed, (role, state)
        if allowed:
            seen.add(state)
    assert seen == EXPECTED[role]
    ids = {report.id: state for state, report in reports.items()}
    assert {ids[id_] for id_ in can_many(user, "governance.view", KIND, ids)} == seen


def test_the_report_rule_says_nothing_of_other_kinds_or_actions(world: Any) -> None:
    """The member may not see the draft report, but that refusal belongs to viewing reports
    alone: an object of another kind under the same id, or another action on the report,
    is left to the other rules (which, for a member, let it through)."""
    people, reports = world
    member, draft = people["member"], reports["draft"].id
    assert can_many(member, VIEW, KIND, [draft]) == set()
    assert can_many(member, VIEW, "elsewhere.document", [draft]) == {draft}
    assert can_many(member, "governance.comment", KIND, [draft]) == {draft}
