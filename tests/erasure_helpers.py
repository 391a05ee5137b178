"""Helpers for the erasure tests: a person easy to look for, and where to look."""

from __future__ import annotations

from typing import Any

from intranet.models import User
from intranet.privacy.erasure import erase_account

NAME = "Zygmunt Quillfeather"
EMAIL = "zygmunt.quillfeather@example.org"
PHONE = "+48 555 010 203"


def make_person(make_user: Any, role: str = "member", **fields: Any) -> User:
    """A member whose name, email and phone appear nowhere else."""
    return make_user(role, email=EMAIL, name=NAME, phone=PHONE, country_code="PL", **fields)


def traces(client: Any, urls: list[str], terms: tuple[str, ...] = (NAME, EMAIL, PHONE)) -> dict:
    """{url: [terms found]} for every page that still shows one of `terms`."""
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.get_data(as_text=True).lower()
        hits = [term for term in terms if term.lower() in body]
        if hits:
            found[url] = hits
    return found


def search_finds(client: Any, terms: tuple[str, ...] = (NAME, EMAIL, PHONE)) -> list[str]:
    """The terms for which the global search still finds something."""
    found = []
    for term in terms:
        response = client.get("/search", query_string={"q": term}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        if "Nothing found" not in response.get_data(as_text=True):
            found.append(term)
    return found


def assert_forgotten(
    client: Any, person: User, urls: list[str], *, searchable: bool = True
) -> None:
    """Every page in `urls` shows the person before the erasure and nothing of them after."""
    before = traces(client, urls)
    assert set(before) == set(urls), (
        f"pages that did not show the person: {set(urls) - set(before)}"
    )
    if searchable:
        assert search_finds(client, (NAME,)) == [NAME]
    erase_account(person, actor=None, via="admin")
    assert traces(client, urls) == {}
    assert search_finds(client) == []
