"""The directory's counts are kept per worker until what it lists changes, and never stale: a
new member, a deactivated one, a moved country, an organisation's kind or a renamed expert show
on the next view; a sign-in changes nothing counted and is not counted again."""

from __future__ import annotations

import re
from typing import Any

from intranet.directory import listing
from intranet.extensions import db
from intranet.models import User
from tests.directory_helpers import organisation
from tests.query_plans import recorded


def total(client, query: str = "") -> int:
    page = client.get(f"/directory{query}", headers={"HX-Request": "true"})
    assert page.status_code == 200
    found = re.search(r'class="result-count">(\d+) (?:person|people)', page.get_data(as_text=True))
    assert found, "no result count"
    return int(found.group(1))


def builds_of_search_conditions(monkeypatch) -> list[bool]:
    """Each search condition built from now on, as whether it is for members read in order."""
    built: list[bool] = []
    text_condition = listing.text_condition

    def recorded_build(*args: Any, **kw: Any) -> Any:
        built.append(kw.get("walked", False))
        return text_condition(*args, **kw)

    monkeypatch.setattr(listing, "text_condition", recorded_build)
    return built


def directory_counts():
    """The statements that count members (or check how many a search matches)."""
    return recorded(lambda statement: "count(" in statement and "user_account" in statement)


def test_every_change_to_what_the_directory_lists_shows_on_the_next_view(client, member, make_user):
    """Each page is viewed (and its count kept) right before the change it must show."""
    police = organisation("National Police Board", "authority", "FI")
    aino = make_user(name="Aino Virtanen", country_code="FI", organisation_id=police.id)
    client.login(member.email)

    assert total(client) == 2
    erik = make_user(name="Erik Johansson", country_code="SE")
    assert total(client) == 3

    erik.is_active_account = False
    db.session.commit()
    assert total(client) == 2

    assert total(client, "?country=FI") == 1
    aino.country_code = "EE"
    db.session.commit()
    assert total(client, "?country=FI") == 0

    assert total(client, "?kind=authority") == 1
    police.kind = "ministry"
    db.session.commit()
    assert total(client, "?kind=authority") == 0

    for column, words in [
        ("name", "Aino Saarinen"),
        ("position", "Chief inspector"),
        ("expertise", "shelters for victims"),
        ("languages", "Estonian, Finnish"),
    ]:
        word = words.split()[-1].lower()
        assert total(client, f"?q={word}") == 0
        setattr(aino, column, words)
        db.session.commit()
        assert total(client, f"?q={word}") == 1, column

    assert total(client, "?q=latvia") == 0
    aino.country_code = "LV"
    db.session.commit()
    assert total(client, "?q=latvia") == 1

    assert total(client, "?role=member") == 2
    aino.role = "secretariat"
    db.session.commit()
    assert total(client, "?role=member") == 1


def test_a_sign_in_changes_nothing_counted_and_is_not_counted_again(app, client, member, make_user):
    other = make_user(name="Erik Johansson", country_code="SE")
    client.login(member.email)
    total(client, "?q=erik")
    total(client)

    signed_in = app.test_client().login(other.email)  # notes the account's last sign-in
    assert signed_in.status_code == 302 and db.session.get(User, other.id).last_login_at
    with directory_counts() as statements:
        assert total(client) == 2
        assert total(client, "?q=erik") == 1
    assert statements == []


def test_a_kept_count_builds_no_search_and_names_are_read_once_per_change(
    client, member, make_user, monkeypatch
):
    """A search page whose count is kept builds its statement once (for the page), and the
    organisations' and countries' names it matches words against are read once per change
    to them, not on every page; a renamed organisation is found on the next view."""
    police = organisation("National Police Board", "authority", "FI")
    make_user(name="Aino Virtanen", country_code="FI", organisation_id=police.id)
    client.login(member.email)
    assert total(client, "?q=police") == 1
    built = builds_of_search_conditions(monkeypatch)
    with recorded(lambda statement: "FROM organisation" in statement) as names_read:
        assert total(client, "?q=police") == 1
    assert names_read == []
    assert len(built) == 1  # the page's statement alone (a few hits: found first)

    police.name = "National Border Guard"
    db.session.commit()
    assert total(client, "?q=police") == 0
    assert total(client, "?q=guard") == 1


def test_a_kept_common_word_search_builds_its_condition_once(
    client, member, make_user, monkeypatch
):
    """A word too common to find its hits first (more than FEW) is tested on the members read in
    order: once its count is kept, the page builds that condition alone, not also the one for
    finding few hits."""
    monkeypatch.setattr(listing, "FEW", 0)
    make_user(name="Aino Virtanen", country_code="FI")
    make_user(name="Aino Korhonen", country_code="FI")
    client.login(member.email)
    assert total(client, "?q=aino") == 2
    built = builds_of_search_conditions(monkeypatch)
    assert total(client, "?q=aino") == 2
    assert built == [True]


def changed(row: Any, **values: Any) -> None:
    """Change `row` and commit, as a form's save does."""
    for name, value in values.items():
        setattr(row, name, value)
    db.session.commit()


def test_head_counts_follow_every_change_to_the_accounts_they_count(app, make_user):
    from intranet.directory import counts

    police = organisation("National Police Board", "authority", "FI")
    aino = make_user(name="Aino Virtanen", country_code="FI", organisation_id=police.id)
    active = counts.active_accounts()
    assert counts.delegation_sizes().get("FI") == 1
    assert counts.accounts_per_country().get("FI") == 1
    assert counts.accounts_per_organisation().get(police.id) == 1

    changed(aino, country_code="EE")
    assert counts.delegation_sizes().get("FI") is None
    assert counts.accounts_per_country().get("EE") == 1
    changed(aino, organisation_id=None)
    assert counts.accounts_per_organisation().get(police.id) is None
    changed(aino, role="guest")
    assert counts.delegation_sizes().get("EE") is None
    assert counts.accounts_per_country().get("EE") == 1
    changed(aino, is_active_account=False)
    assert counts.active_accounts() == active - 1
    make_user(name="Erik Johansson", country_code="SE")
    assert counts.active_accounts() == active


def test_head_counts_are_kept_while_nothing_they_count_changes(app, make_user):
    from intranet.directory import counts

    aino = make_user(name="Aino Virtanen", country_code="FI")
    heads = [counts.delegation_sizes, counts.accounts_per_country]
    heads += [counts.accounts_per_organisation, counts.active_accounts]
    first = [count() for count in heads]
    aino.last_login_at = aino.created_at  # a sign-in
    db.session.commit()
    with directory_counts() as statements:
        assert [count() for count in heads] == first
    assert statements == []
