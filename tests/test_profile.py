"""Member profiles: what others see, vCards, and editing one's own profile."""

from __future__ import annotations

from intranet.extensions import db
from intranet.models import User
from tests.directory_helpers import organisation

PROFILE = {
    "name": "Maria Member",
    "position": "Senior adviser",
    "organisation_id": "",
    "phone": "+46 8 123 456",
    "phone_visibility": "members",
    "email_visibility": "members",
    "expertise": "victim support, labour exploitation",
    "languages": "English, Swedish",
    "bio": "Works on *labour* exploitation.",
    "timezone": "Europe/Stockholm",
    "notification_preference": "digest",
}


def test_member_edits_their_profile_and_others_see_it(client, member, make_user):
    ministry = organisation("Ministry of Justice", "ministry", "SE")
    member.country_code = "SE"
    db.session.commit()
    client.login(member.email)
    response = client.submit("/profile", {**PROFILE, "organisation_id": str(ministry.id)})
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(User, member.id)
    assert saved.organisation_id == ministry.id
    assert saved.notification_preference == "digest"
    client.submit("/logout")
    client.login(make_user().email)
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Senior adviser" in page and "Ministry of Justice" in page and "Sweden" in page
    assert '<span class="tag">labour exploitation</span>' in page
    assert "<em>labour</em>" in page
    assert ">MM</span>" in page  # initials avatar


def test_time_zone_is_chosen_from_a_list_and_anything_else_is_refused(client, member):
    client.login(member.email)
    page = client.get("/profile").get_data(as_text=True)
    assert '<optgroup label="Member states">' in page and '"Europe/Riga">Riga (UTC+' in page
    response = client.submit("/profile", {**PROFILE, "timezone": "Europe/Atlantis"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="timezone-error"' in page and "Choose a time zone from the list" in page
    assert 'value="Senior adviser"' in page
    db.session.expire_all()
    assert db.session.get(User, member.id).timezone != "Europe/Atlantis"


def test_unknown_country_is_refused_next_to_the_field(client, member):
    client.login(member.email)
    response = client.submit("/profile/delegation", {"country_code": "XX"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="country_code-error"' in page and "not a country of the task force" in page


def test_bio_is_sanitized(client, member, make_user):
    bio = (
        "<script>alert(1)</script> <img src=x onerror=alert(2)> "
        "[click](javascript:alert(3)) <a href='/x' hx-get='/admin/plugins'>x</a> **ok**"
    )
    client.login(member.email)
    client.submit("/profile", {**PROFILE, "bio": bio})
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    bio_html = page.split('class="card bio"')[1].split("</section>")[0]
    assert "<script" not in bio_html and "onerror" not in bio_html
    assert "javascript:" not in bio_html and "hx-get" not in bio_html
    assert "<strong>ok</strong>" in bio_html


def test_hidden_contact_details_are_not_shown_to_members(client, make_user):
    private = make_user(
        name="Pia Private",
        phone="+358 40 1234",
        phone_visibility="hidden",
        email_visibility="hidden",
    )
    client.login(make_user().email)
    page = client.get(f"/members/{private.id}").get_data(as_text=True)
    assert "+358 40 1234" not in page and private.email not in page
    card = client.get(f"/members/{private.id}.vcf").get_data(as_text=True)
    assert "TEL" not in card and "EMAIL" not in card


def test_secretariat_sees_hidden_contact_details(client, make_user):
    private = make_user(phone="+358 40 1234", phone_visibility="hidden")
    client.login(make_user("secretariat").email)
    assert "+358 40 1234" in client.get(f"/members/{private.id}").get_data(as_text=True)


def test_profile_shows_the_members_local_time(client, member, make_user):
    other = make_user(timezone="Asia/Tokyo")
    client.login(member.email)
    page = client.get(f"/members/{other.id}").get_data(as_text=True)
    assert "</time>, Tokyo (UTC+9)" in page and "+09:00" in page


def test_vcard_is_version_4_with_escaped_values(client, member, make_user):
    police = organisation("Police; Border Guard, North", "authority", "FI")
    other = make_user(
        name="Aino Virtanen",
        position="Inspector, team lead",
        organisation_id=police.id,
        country_code="FI",
        phone="+358 40 1234",
        expertise="labour exploitation, fraud",
    )
    client.login(member.email)
    response = client.get(f"/members/{other.id}.vcf")
    assert response.mimetype == "text/vcard"
    card = response.get_data(as_text=True)
    assert card.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n") and card.endswith("END:VCARD\r\n")
    assert "FN:Aino Virtanen\r\n" in card and "N:Virtanen;Aino;;;\r\n" in card
    assert "ORG:Police\\; Border Guard\\, North\r\n" in card
    assert "TITLE:Inspector\\, team lead\r\n" in card
    assert f"EMAIL;TYPE=work:{other.email}\r\n" in card
    assert "TEL;VALUE=text;TYPE=work:+358 40 1234\r\n" in card
    assert "CATEGORIES:labour exploitation,fraud\r\n" in card


def test_long_vcard_lines_are_folded(client, member, make_user):
    other = make_user(position="Å" * 100)
    client.login(member.email)
    card = client.get(f"/members/{other.id}.vcf").get_data()
    assert all(len(line) <= 75 for line in card.split(b"\r\n"))
    assert card.decode().replace("\r\n ", "").count("Å") == 100


def test_guest_sees_only_their_own_profile(client, make_user, member):
    guest = make_user("guest", name="Gina Guest")
    client.login(guest.email)
    assert client.get(f"/members/{guest.id}").status_code == 200
    assert client.get(f"/members/{member.id}").status_code == 404
    assert client.get(f"/members/{member.id}.vcf").status_code == 404


def test_deactivated_members_profile_is_gone_for_members(client, member, make_user):
    gone = make_user(is_active_account=False)
    client.login(member.email)
    assert client.get(f"/members/{gone.id}").status_code == 404


def test_profile_page_shows_plugin_sections(client, member):
    from intranet.platform import plugins
    from intranet.plugin_api import ProfileSection, hookimpl

    class SubgroupSections:
        @hookimpl
        def intranet_profile_sections(self, member, viewer):
            return [ProfileSection("Sub-groups", [("Labour exploitation", "/subgroups/1")])]

    manager = plugins.registry().pm
    manager.register(SubgroupSections(), name="sections-example")
    try:
        client.login(member.email)
        page = client.get(f"/members/{member.id}").get_data(as_text=True)
    finally:
        manager.unregister(name="sections-example")
    assert "Sub-groups" in page and 'href="/subgroups/1"' in page
