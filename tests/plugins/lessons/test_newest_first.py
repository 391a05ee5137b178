"""Lists of lessons: the drafts someone may see first, then the published lessons from the
newest, a page at a time, each part read from its own index (one ORDER BY stepped over every
draft of the site for each view of a member's or guest's list: 100,000 rows at N=10)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from intranet.extensions import db
from intranet.models import utcnow
from tests.query_plans import sqlite_reads, statements_of


@pytest.fixture
def lessons(make_lesson, make_user, member):
    other = make_user("member", email="other@example.org", name="Olga Other")
    now = utcnow()
    for title, days in (("Published long ago", 300), ("Published lately", 3), ("Published", 30)):
        make_lesson(other, title, published_at=now - timedelta(days=days))
    make_lesson(member, "My first draft", status="draft", published_at=None)
    make_lesson(member, "My second draft", status="submitted", published_at=None)
    make_lesson(other, "A colleague draft", status="draft", published_at=None)
    return other


def listed(client, url: str) -> list[str]:
    page = client.get(url).get_data(as_text=True)
    titles = [
        "My second draft",
        "My first draft",
        "A colleague draft",
        "Published lately",
        "Published",
        "Published long ago",
    ]
    return sorted((title for title in titles if f">{title}<" in page), key=page.index)


def test_own_drafts_come_first_then_the_newest_published_a_page_at_a_time(
    client, member, lessons, monkeypatch
):
    monkeypatch.setattr("intranet_lessons.search.PAGE_SIZE", 2)
    client.login(member.email)
    assert listed(client, "/lessons/") == ["My second draft", "My first draft"]
    assert listed(client, "/lessons/?page=2") == ["Published lately", "Published"]
    assert listed(client, "/lessons/?page=3") == ["Published long ago"]


def test_a_reviewer_sees_every_draft_first(client, secretariat, lessons, monkeypatch):
    monkeypatch.setattr("intranet_lessons.search.PAGE_SIZE", 4)
    client.login(secretariat.email)
    assert listed(client, "/lessons/") == [
        "A colleague draft",
        "My second draft",
        "My first draft",
        "Published lately",
    ]


def test_a_members_drafts_are_found_by_their_authorship(client, member, lessons):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL reads a handful of rows without its indexes")
    client.login(member.email)
    [(statement, parameters)] = statements_of(client, "/lessons/", lambda s: "newest_parts" in s)
    reads = sqlite_reads(statement, parameters, "lessons_lesson")
    assert any("(author_id=?)" in read for read in reads), reads
    assert any("ix_lessons_lesson_published_at (published_at>?)" in read for read in reads), reads
