"""The people picker: a bounded search of accounts, never a list of all of them."""

from __future__ import annotations

from intranet.picker import PICKER_LIMIT

HTMX = {"HX-Request": "true"}


def test_the_picker_finds_people_by_name_a_few_at_a_time(client, make_user, member):
    for number in range(PICKER_LIMIT + 5):
        make_user(name=f"Ingrid Nilsson {number:02d}")
    make_user(name="Jonas Petraitis")
    client.login(member.email)

    found = client.get("/people/pick?field=owner_user&owner_user_q=nils", headers=HTMX)
    html = found.get_data(as_text=True)
    assert html.count('type="radio" name="owner_user"') == PICKER_LIMIT
    assert "Jonas" not in html
    assert "Type more of the name" in html
    many = client.get("/people/pick?field=members&members_q=jonas&multiple=1", headers=HTMX)
    assert 'type="checkbox" name="members"' in many.get_data(as_text=True)


def test_guests_are_offered_to_the_secretariat_only(client, make_user, member, secretariat):
    make_user(role="guest", name="Partner Guestname")
    client.login(member.email)
    assert "Partner" not in client.get("/people/pick?field=owner_user&owner_user_q=guestname").text
    client.submit("/logout")
    client.login(secretariat.email)
    assert "Partner" in client.get("/people/pick?field=owner_user&owner_user_q=guestname").text


def test_a_field_name_that_is_no_name_answers_404(client, member):
    client.login(member.email)
    assert client.get("/people/pick?field=<script>").status_code == 404
