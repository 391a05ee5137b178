"""What the plugin contributes through hooks: similar work, search, widget, reports, demo."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from intranet.plugin_api import collect, db, grantable_resources, notify_event, utcnow
from intranet_subgroups.models import Membership, Post, SubGroup, Thread, today
from tests.conftest import contributions
from tests.plugins.subgroups.conftest import sign_in


@pytest.fixture(autouse=True)
def request_context(app):
    """Hooks build URLs, as they do while the core renders a page."""
    with app.test_request_context():
        yield


POST_COLUMN = re.compile(r"subgroups_post\.(\w+)")
HOSTILE = ['"', "AND", "OR NOT", "*", "a:b", "(((", "NEAR(x y)", "'; DROP TABLE x; --", "-", "^"]


def test_the_obvious_duplicate_ranks_first(app, member, make_group):
    make_group("Data collection and statistics", mandate="Common indicators for national data.")
    make_group("Labour exploitation", mandate="Forced labour in agriculture and construction.")
    make_group("Cooperation with NGOs", mandate="Outreach, helplines and shelters.")
    items = collect(
        "intranet_similar_work",
        text="Labour exploitation\nForced labour of seasonal workers in agriculture",
        user=member,
        limit=5,
    )
    assert items[0].title == "Labour exploitation"
    assert all(0 <= item.score <= 1 for item in items)
    assert [item.score for item in items] == sorted((i.score for i in items), reverse=True)
    assert "Cooperation with NGOs" not in [item.title for item in items]


def test_similar_panel_is_a_fragment_for_htmx_and_a_page_without_js(client, member, make_group):
    make_group("Victim assistance", mandate="Shelters and rehabilitation of victims.")
    sign_in(client, member)
    url = "/subgroups/similar?name=Victim+assistance&mandate=shelters"
    fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Victim assistance" in fragment and "<html" not in fragment
    page = client.get(url).get_data(as_text=True)
    assert "Victim assistance" in page and "<html" in page
    fallback = client.get("/subgroups/propose?name=Victim+assistance&mandate=x")
    assert "Similar existing work" in fallback.get_data(as_text=True)
    form = client.get("/subgroups/propose").get_data(as_text=True)
    assert 'hx-get="/subgroups/similar"' in form and "hx-include" in form


def test_search_finds_groups_by_name_and_mandate(app, member, make_group):
    make_group("Victim assistance", mandate="Rehabilitation and shelters for victims.")
    make_group("Data collection", mandate="Statistics.")
    results = collect("intranet_search", query="shelters", user=member, limit=5)
    assert [result.title for result in results] == ["Victim assistance"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_search_input_never_errors(client, member, make_group, query, caplog):
    make_group()
    collect("intranet_search", query=query, user=member, limit=5)
    assert "failed in intranet_search" not in caplog.text


def test_search_hides_groups_from_guests_without_a_grant(app, make_user, make_group):
    make_group("Victim assistance", mandate="Shelters.")
    assert collect("intranet_search", query="shelters", user=make_user("guest"), limit=5) == []


def test_my_subgroups_widget_excludes_archived_groups(client, member, make_group):
    make_group("Running group", members=(member,))
    make_group("Ended group", members=(member,), ended=True)
    make_group("Old group", members=(member,), status="archived")
    sign_in(client, member)
    fragment = client.get("/subgroups/mine", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "Running group" in html and "<html" not in html
    assert "Ended group" not in html and "Old group" not in html
    assert "<html" in client.get("/subgroups/mine").get_data(as_text=True)


def test_disabling_hides_everything_and_enabling_brings_it_back(client, admin, make_group):
    group = make_group("Kept while disabled", members=(admin,))
    sign_in(client, admin)
    dashboard = client.get("/").get_data(as_text=True)
    assert "Sub-groups</a>" in dashboard and "My sub-groups" in dashboard
    assert client.submit("/admin/plugins/subgroups/disable", {"confirm": "yes"}).status_code == 303
    dashboard = client.get("/").get_data(as_text=True)
    assert "Sub-groups</a>" not in dashboard and "My sub-groups" not in dashboard
    assert client.get("/subgroups/").status_code == 404
    assert client.get(f"/subgroups/{group.id}").status_code == 404
    assert collect("intranet_search", query="disabled", user=admin, limit=5) == []
    client.submit("/admin/plugins/subgroups/enable")
    assert "Kept while disabled" in client.get(f"/subgroups/{group.id}").get_data(as_text=True)


def test_profile_section_lists_the_members_groups_the_viewer_may_see(
    app, member, make_user, make_group
):
    make_group("Victim assistance", members=(member,))
    guest = make_user("guest")
    [section] = contributions(
        "subgroups", "intranet_profile_sections", member=member, viewer=make_user("member")
    )
    assert [label for label, _ in section.items] == ["Victim assistance"]
    [hidden] = contributions("subgroups", "intranet_profile_sections", member=member, viewer=guest)
    assert hidden.items == []


def test_report_sections_count_groups_members_by_country_and_posts(
    app, make_user, make_group, make_thread
):
    se, fi = make_user("member", country_code="SE"), make_user("member", country_code="FI")
    group = make_group("Labour exploitation", members=(se, fi))
    make_thread(group, se)
    make_group("Proposed only", status="proposed")
    sections = contributions(
        "subgroups",
        "intranet_report_sections",
        start=today() - timedelta(days=10),
        end=today(),
        user=se,
    )
    groups, countries = sections
    assert [row[0] for row in groups.rows] == ["Labour exploitation"]
    assert groups.rows[0][-2:] == ["2", "1"]
    assert countries.rows == [["Finland", "1"], ["Sweden", "1"]]
    assert groups.summary == "1 sub-group active in the period; 1 post written."


def test_the_report_counts_posts_from_their_index_alone(app, make_user, make_group, make_thread):
    """Posts are counted from ix_subgroups_post_thread_created only (thread, creation, deletion):
    counting post ids made PostgreSQL read the 740 MB of posts themselves at N=10."""
    se = make_user("member", country_code="SE")
    make_thread(make_group("Labour exploitation", members=(se,)), se)
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        groups, _ = contributions(
            "subgroups",
            "intranet_report_sections",
            start=today() - timedelta(days=10),
            end=today(),
            user=se,
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert groups.rows[0][-1] == "1"
    read = {column for s in statements for column in POST_COLUMN.findall(s)}
    assert read == {"thread_id", "created_at", "deleted_at"}


def test_report_sections_count_only_who_had_joined_by_the_end_of_the_period(
    app, make_user, make_group
):
    """A report for last year does not count the people who joined this week."""
    early, late = make_user("member", country_code="SE"), make_user("member", country_code="FI")
    group = make_group("Labour exploitation", members=(early, late))
    group.start_date = today() - timedelta(days=400)
    for membership in db.session.scalars(select(Membership).where(Membership.group_id == group.id)):
        days_ago = 300 if membership.user_id == early.id else 2
        membership.joined_at = membership.created_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    groups, countries = contributions(
        "subgroups",
        "intranet_report_sections",
        start=today() - timedelta(days=365),
        end=today() - timedelta(days=30),
        user=early,
    )
    assert groups.rows[0][-2] == "1"
    assert countries.rows == [["Sweden", "1"]]


def test_report_lists_the_groups_with_most_posts_and_counts_the_others(
    app, make_user, make_group, make_thread
):
    """Twenty-two groups: the twenty with the most posts in the period are listed."""
    author = make_user("member", country_code="SE")
    quiet = [make_group(f"Quiet group {n:02}") for n in range(1, 21)]
    busy = make_group("Busy group")
    make_group("Busier group")
    for _ in range(2):
        make_thread(busy, author)
    for group in [*quiet[5:], *quiet[:5]]:
        make_thread(group, author)
    groups, _ = contributions(
        "subgroups",
        "intranet_report_sections",
        start=today() - timedelta(days=10),
        end=today(),
        user=author,
    )
    assert groups.summary == (
        "22 sub-groups active in the period; 22 posts written. "
        "The 20 with the most posts in the period are listed."
    )
    names = [row[0] for row in groups.rows]
    assert names[0] == "Busy group" and names[1:] == [f"Quiet group {n:02}" for n in range(1, 20)]
    assert groups.more == 2 and groups.more_url.endswith("/subgroups/")


def test_grantable_resources_are_the_active_groups(app, member, make_group):
    active = make_group("Active")
    make_group("Ended", ended=True)
    make_group("Proposed", status="proposed")
    resources = grantable_resources(member)
    assert [r.ref.id for r in resources] == [active.id]


def test_personal_data_lists_memberships_and_posts(app, member, make_group, make_thread):
    group = make_group(members=(member,))
    make_thread(group, member, body="My words", title="Field visits")
    from intranet.plugin_api import db
    from intranet_subgroups.models import log_activity

    log_activity(group, member, "posted", "Maria started Field visits")
    group.approved_by_id = member.id
    db.session.commit()
    [data] = [answer for _, answer in _results("intranet_personal_data", user=member)]
    assert data["memberships"][0]["group"] == "Labour exploitation"
    assert data["posts"][0]["body"] == "My words"
    assert data["threads_started"][0]["title"] == "Field visits"
    assert data["timeline"][0]["summary"] == "Maria started Field visits"
    assert data["approved_groups"][0]["group"] == "Labour exploitation"
    assert data["proposed_groups"] == []


def _results(hook, **kwargs):
    from intranet.platform.plugins import results

    return [(name, answer) for name, answer in results(hook, **kwargs) if name == "subgroups"]


def test_demo_data_creates_four_groups_one_archived(app):
    from intranet.platform.demo import create_demo_data

    create_demo_data()
    groups = db.session.scalars(select(SubGroup)).all()
    assert len(groups) == 4
    assert sum(group.current_status == "archived" for group in groups) == 1
    assert db.session.scalar(select(func.count(Post.id))) >= 3


def test_group_page_query_count_does_not_grow(client, member, make_user, make_group):
    def page_statements(size):
        people = [make_user("member", country_code="SE") for _ in range(size)]
        group = make_group(f"Group of {size}", members=(member, *people))
        for person in people:
            thread = Thread(group_id=group.id, title=f"By {person.id}", author_id=person.id)
            thread.posts.append(Post(author_id=person.id, body="text"))
            thread.posts.append(Post(author_id=member.id, body="reply"))
            db.session.add(thread)
        db.session.add(
            Membership(group_id=group.id, user_id=make_user("member").id, state="requested")
        )
        db.session.commit()
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/subgroups/{group.id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    sign_in(client, member)
    # A running worker has read the settings and kept figures such as the countries' names
    # already (cached per process under their stamps): a first group page reads them.
    page_statements(1)
    assert page_statements(2) == page_statements(12)


def test_guest_grants_make_the_guest_a_participant(app, make_user, make_group):
    from intranet.plugin_api import ResourceRef

    guest = make_user("guest")
    group = make_group()
    notify_event(
        "intranet_guest_grants_changed",
        guest=guest,
        granted=[ResourceRef("subgroups.group", group.id)],
    )
    membership = db.session.scalar(select(Membership).where(Membership.user_id == guest.id))
    assert (membership.role, membership.state) == ("participant", "active")
    notify_event("intranet_guest_grants_changed", guest=guest, granted=[])
    assert db.session.scalar(select(Membership).where(Membership.user_id == guest.id)) is None
    assert utcnow()


def test_other_plugins_add_sections_to_the_group_page(client, member, make_group):
    from intranet.platform import plugins
    from intranet.plugin_api import ProfileSection, hookimpl

    class Meetings:
        @hookimpl
        def intranet_resource_sections(self, resource, viewer):
            if resource.kind != "subgroups.group":
                return []
            return [ProfileSection("Upcoming meetings", [("Riga, 3 March", "/meetings/1")])]

    group = make_group()
    plugins.registry().pm.register(Meetings(), name="test-meetings")
    try:
        sign_in(client, member)
        page = client.get(f"/subgroups/{group.id}").get_data(as_text=True)
    finally:
        plugins.registry().pm.unregister(name="test-meetings")
    assert "Upcoming meetings" in page and "Riga, 3 March" in page


def test_resource_members_are_the_active_members_of_the_group(app, make_user, make_group):
    from intranet.platform import plugins
    from intranet.plugin_api import ResourceRef

    convenor = make_user("member", name="Anna Convenor")
    member = make_user("member", name="Bert Member")
    guest = make_user("guest", name="Cleo Guest")
    waiting = make_user("member", name="Dan Waiting")
    gone = make_user("member", name="Eve Gone", is_active_account=False)
    group = make_group(convenor=convenor, members=(member, gone))
    db.session.add(
        Membership(group_id=group.id, user_id=guest.id, role="participant", state="active")
    )
    db.session.add(Membership(group_id=group.id, user_id=waiting.id, state="requested"))
    db.session.commit()
    answers = dict(
        plugins.results(
            "intranet_resource_members", resource=ResourceRef("subgroups.group", group.id)
        )
    )
    assert [user.name for user in answers["subgroups"]] == [
        "Anna Convenor",
        "Bert Member",
        "Cleo Guest",
    ]
    from intranet_subgroups import intranet_resource_members

    assert intranet_resource_members(ResourceRef("meetings.meeting", group.id)) is None
    assert intranet_resource_members(ResourceRef("subgroups.group", 999)) == []


def test_the_widget_counts_posts_since_the_member_last_opened_each_group(
    client, member, make_user, make_group, make_thread
):
    other = make_user("member")
    quiet = make_group("Quiet group", members=(member, other))
    busy = make_group("Busy group", members=(member, other))
    sign_in(client, member)
    client.get(f"/subgroups/{busy.id}")
    client.get(f"/subgroups/{quiet.id}")
    thread = make_thread(busy, other, title="News")
    db.session.add(Post(thread_id=thread.id, author_id=other.id, body="More"))
    db.session.add(Post(thread_id=thread.id, author_id=member.id, body="My own"))
    db.session.commit()

    def widget():
        return client.get("/subgroups/mine", headers={"HX-Request": "true"}).get_data(as_text=True)

    html = widget()
    assert "2 new posts" in html
    assert html.count("new post") == 1  # nothing new in the quiet group, own posts not counted
    client.get(f"/subgroups/{busy.id}")
    assert "new post" not in widget()


def test_the_widget_needs_one_query_whatever_the_number_of_groups(
    client, member, make_user, make_group, make_thread
):
    other = make_user("member")
    sign_in(client, member)

    def statements():
        found = []

        def count(*args):
            found.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            client.get("/subgroups/mine", headers={"HX-Request": "true"})
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(found)

    group = make_group("First", members=(member, other))
    make_thread(group, other)
    one = statements()
    for number in range(5):
        group = make_group(f"Group {number}", members=(member, other))
        make_thread(group, other)
    assert statements() == one


def test_the_no_js_similar_check_keeps_the_csrf_token_out_of_the_url(client, member, make_group):
    make_group("Victim assistance", mandate="Shelters and rehabilitation of victims.")
    sign_in(client, member)
    form = client.get("/subgroups/propose").get_data(as_text=True)
    assert 'formmethod="get"' not in form
    assert 'formaction="/subgroups/propose/check"' in form
    assert client.post("/subgroups/propose/check", data={"name": "x"}).status_code == 400
    response = client.submit(
        "/subgroups/propose/check",
        {"name": "Victim assistance", "mandate": "shelters", "kind": "project", "start_date": ""},
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    assert "csrf" not in location.lower() and "start_date" not in location
    assert "name=Victim+assistance" in location and "kind=project" in location
    page = client.get(location).get_data(as_text=True)
    assert "Similar existing work" in page and 'value="Victim assistance"' in page
