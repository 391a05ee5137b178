"""What a guest writes carries "Guest · <organisation>" where members show their country, every
author shows a face (photo or initials), and a guest cannot leave a group she was granted."""

from __future__ import annotations

from intranet.plugin_api import db, organisation_for

from .conftest import sign_in


def test_guest_posts_carry_the_guest_badge_and_members_their_country(
    client, make_user, make_group, make_thread, grants
):
    guest = make_user("guest", name="Olena Kovalenko")
    guest.organisation_id = organisation_for("OSCE", "osce")
    member = make_user("member", name="Liga Ozola", country_code="LV")
    db.session.commit()
    group = make_group(convenor=member, members=(guest,))
    grants.granted.add(group.id)
    thread = make_thread(group, member, body="Welcome")
    guest_thread = make_thread(group, guest, body="Thanks")
    sign_in(client, member)
    page = client.get(f"/subgroups/threads/{thread.id}").get_data(as_text=True)
    assert "Liga Ozola (Latvia)" in page and 'class="avatar avatar-s avatar-c' in page
    page = client.get(f"/subgroups/threads/{guest_thread.id}").get_data(as_text=True)
    assert 'Olena Kovalenko <span class="guest-badge">Guest · OSCE</span>' in page
    group_page = client.get(f"/subgroups/{group.id}").get_data(as_text=True)
    assert '<span class="guest-badge">Guest · OSCE</span>' in group_page
    sign_in(client, guest)
    group_page = client.get(f"/subgroups/{group.id}").get_data(as_text=True)
    assert "Leave" not in group_page
    response = client.submit(f"/subgroups/{group.id}/leave", {"confirm": "yes"})
    assert response.status_code in (302, 303)
    db.session.expire_all()
    assert any(m.user_id == guest.id for m in group.memberships)
