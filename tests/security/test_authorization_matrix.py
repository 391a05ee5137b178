"""The authorization matrix: every route of the URL map, asked by every kind of user, with real
objects from the demo data, answers what the hand-written table in access_table.py expects.

GET is asked as a page and as an htmx fragment. POST is sent with a valid CSRF token by every
user the table refuses, and must be refused without changing anything; POSTs of users the
table allows are not sent here (they would change the shared demo world; each plugin's own
tests cover them).
"""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from intranet.extensions import db
from intranet.models import User, utcnow
from intranet.plugin_api import GrantableResource, ResourceRef
from intranet_lessons.models import Lesson
from intranet_meetings.models import Meeting, Participant
from intranet_partners import service as partners
from intranet_partners.models import Grant
from tests.security.access_table import TABLE, cases, where_rows_belong
from tests.security.conftest import ROLES
from tests.security.world_state import (
    changed_tables,
    database_state,
    form_data,
    path_of,
    routes,
)

pytestmark = pytest.mark.filterwarnings("ignore")


def ask(browser: Any, method: str, path: str, **kwargs: Any) -> str:
    """Send the request; return what the user got: allowed, refused or login."""
    response = browser.open(path, method=method, **kwargs)
    with browser.session_transaction() as session:
        flashed = session.pop("_flashes", [])
    return outcome(response, any(category == "error" for category, _ in flashed))


def outcome(response: Any, error_flashed: bool) -> str:
    status = response.status_code
    location = response.headers.get("Location", "")
    if status == 401 or (status in (302, 303) and location.startswith("/login")):
        return "login"
    if status in (403, 404) or (status in (302, 303) and error_flashed):
        return "refused"
    if status < 400:
        return "allowed"
    return f"status {status}"


def expected(role: str, allowed: bool) -> str:
    if allowed:
        return "allowed"
    return "login" if role == "anonymous" else "refused"


def test_every_endpoint_has_an_entry_in_the_table(demo_app, world):
    endpoints = {rule.endpoint for rule in demo_app.url_map.iter_rules()}
    missing = endpoints - TABLE.keys()
    assert sorted(missing) == [], where_rows_belong(demo_app, missing)
    assert sorted(TABLE.keys() - endpoints) == [], "stale entries in access_table.TABLE"


def test_get_answers_match_the_table_for_every_role(demo_app, world):
    wrong, checked = [], 0
    for rule in routes(demo_app):
        if "GET" not in rule.methods:
            continue
        for case in cases(rule.endpoint):
            path = path_of(rule, case, world)
            may = case.rule_for("GET")
            for role in ROLES:
                for headers in ({}, {"HX-Request": "true"}):
                    got = ask(world["browsers"][role], "GET", path, headers=headers)
                    if got == "login" and may.anonymous:  # e.g. the two-factor step, unasked
                        got = "allowed"
                    want = expected(role, may.allows(role))
                    checked += 1
                    if got != want:
                        kind = "htmx" if headers else "page"
                        wrong.append(f"GET {path} ({kind}) as {role}: {got}, expected {want}")
    print(f"\nauthorization matrix: {checked} GET requests checked")
    assert wrong == [], "\n".join(wrong)


# The sub-groups plugin answers an action its page would not offer with a redirect and an error
# message (see access_table.py). Only there does that count as a refusal, and only together with
# the database check below, since a form that fails validation also redirects with a message.
REFUSES_WITH_A_MESSAGE = ("subgroups.",)


def strict_outcome(response: Any, endpoint: str, error_flashed: bool) -> str:
    """login, refused (403 or 404) or what else came back."""
    status = response.status_code
    if status == 401 or (status in (302, 303) and response.location.startswith("/login")):
        return "login"
    if status in (403, 404):
        return "refused"
    if status == 303 and error_flashed and endpoint.startswith(REFUSES_WITH_A_MESSAGE):
        return "refused"
    return f"status {status}" + (" with an error message" if error_flashed else "")


def test_post_is_refused_to_everyone_the_table_refuses(demo_app, world, forms):
    """Each refused user submits the page's own form, filled as it was rendered, with a valid
    CSRF token: exactly 403/404 (signed in) or the login page, and no table changed."""
    wrong, checked, formless = [], 0, []
    for rule in routes(demo_app):
        if "POST" not in rule.methods:
            continue
        for case in cases(rule.endpoint):
            path = path_of(rule, case, world)
            may = case.rule_for("POST")
            form = forms.get(path.split("?")[0])
            if form is None:
                formless.append(path)
            before = database_state()
            for role in ROLES:
                if may.allows(role):
                    continue
                data = MultiDict(form_data(form, world["tokens"][role]))
                response = world["browsers"][role].post(path, data=data)
                with world["browsers"][role].session_transaction() as session:
                    flashed = session.pop("_flashes", [])
                error = any(category == "error" for category, _ in flashed)
                got, want = strict_outcome(response, rule.endpoint, error), expected(role, False)
                checked += 1
                if got != want:
                    wrong.append(f"POST {path} as {role}: {got}, expected {want}")
            changed = changed_tables(before, database_state())
            if changed:
                wrong.append(f"POST {path} by refused users changed {changed}")
    print(f"\nauthorization matrix: {checked} refused POSTs, {len(formless)} without a form")
    assert wrong == [], "\n".join(wrong)


LISTS = [
    "/",
    "/search?q={name}",
    "/notifications",
    "/subgroups/",
    "/subgroups/mine",
    "/meetings/",
    "/meetings/next",
    "/meetings/actions",
    "/lessons/",
    "/lessons/?q={name}",
    "/lessons/export.csv",
    "/lessons/export.json",
    "/lessons/widgets/recent",
    "/partners/me",
    "/partners/widget",
    "/example/widget",
]


def visible_text(markup: str) -> str:
    """What a person reads: tags stripped (search results wrap query words in <mark>),
    entities decoded, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]*>", "", markup)).split())


def mentions(text: str, name: str) -> bool:
    return name in visible_text(text) or json.dumps(name)[1:-1] in text


def test_lists_feeds_and_exports_show_a_guest_only_their_grants(world):
    """The other guest's lists, search results, exports and widgets never name an object
    granted to the first guest, while the first guest finds each of them somewhere."""
    names = world["granted_names"]
    seen_by_granted: set[str] = set()
    leaks = []
    for template in LISTS:
        for name in names if "{name}" in template else names[:1]:
            # A query of the name's first words: the page repeats the query, not the name.
            path = template.format(name=" ".join(name.split()[:2]))
            for role in ("guest", "guest_other"):
                response = world["browsers"][role].get(path, headers={"HX-Request": "true"})
                text = response.get_data(as_text=True)
                found = {n for n in names if mentions(text, n)}
                if role == "guest":
                    seen_by_granted |= found
                elif found:
                    leaks.append(f"{path} shows the other guest {sorted(found)}")
    assert leaks == []
    assert seen_by_granted == set(names), "the check would not see a leak of these names"


def test_guests_global_search_does_not_reveal_task_force_only_lessons(world):
    """A published lesson shared with the task force only, granted to no guest: members find it
    by its title, guests (and guests only) do not."""
    granted = select(Grant.resource_id).where(Grant.resource_kind == "lessons.lesson")
    title = db.session.scalar(
        select(Lesson.title)
        .where(Lesson.status == "published", Lesson.sharing == "taskforce")
        .where(Lesson.id.not_in(granted))
        .order_by(Lesson.id)
    )
    query = {"q": " ".join(title.split()[:3])}
    found = {
        role: mentions(world["browsers"][role].get("/search", query_string=query).text, title)
        for role in ("member", "guest", "guest_other")
    }
    assert found == {"member": True, "guest": False, "guest_other": False}


def test_a_calendar_feed_holds_only_the_meetings_its_owner_may_see(demo_app, world):
    """Invited to two coming meetings, granted one: the feed shows only that one."""
    guest = db.session.scalar(select(User).where(User.email == world["logins"]["guest"]))
    granted, not_granted = db.session.scalars(
        select(Meeting).where(Meeting.start_at > utcnow()).order_by(Meeting.start_at)
    ).all()[:2]
    with demo_app.test_request_context("/"):
        # Invited to both (a grant given earlier may have made the guest a participant already).
        invited = set(
            db.session.scalars(
                select(Participant.meeting_id).where(Participant.user_id == guest.id)
            )
        )
        db.session.add_all(
            [
                Participant(meeting_id=m.id, user_id=guest.id)
                for m in (granted, not_granted)
                if m.id not in invited
            ]
        )
        ref = ResourceRef("meetings.meeting", granted.id)
        partners.add_grants(guest, [GrantableResource(ref, granted.title, "/")], None)
        db.session.commit()

    feed = world["browsers"]["anonymous"].get(f"/calendar/{world['values']['feed_token']}.ics")
    text = feed.get_data(as_text=True).replace("\r\n ", "")
    assert feed.status_code == 200
    assert f"SUMMARY:{granted.title}" in text
    assert not_granted.title not in text
