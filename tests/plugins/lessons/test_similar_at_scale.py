"""Similar work in a collection too large to compare whole: the cost follows the draft, and
the old duplicate is still found among many newer lessons sharing only common words."""

from __future__ import annotations

import pytest

from intranet_lessons import similar
from tests.conftest import contributions


@pytest.fixture
def compared(monkeypatch) -> list[int]:
    """A small collection counts as large here; records how many lessons each call compares."""
    monkeypatch.setattr(similar, "SMALL_COLLECTION", 5)
    monkeypatch.setattr(similar, "NEIGHBOURS", 4)
    sizes: list[int] = []
    rank = similar.rank_similar

    def counting(text, documents, limit):
        sizes.append(sum(1 for (kind, _), _ in documents if kind == "lesson"))
        return rank(text, documents, limit)

    monkeypatch.setattr(similar, "rank_similar", counting)
    return sizes


@pytest.mark.parametrize("sample", [500, 3])
def test_the_old_duplicate_is_found_among_many_newer_lessons(
    app, make_user, make_lesson, compared, monkeypatch, sample
):
    """PostgreSQL counts the words among the newest RARITY_SAMPLE lessons: with 3, the old
    duplicate's words are in none of them, and still count as the rarest since it holds them."""
    monkeypatch.setattr(similar, "RARITY_SAMPLE", sample)
    author = make_user("member")
    make_lesson(
        author,
        "Seasonal berry pickers reached through a multilingual helpline",
        summary="Outreach to berry pickers in forests with a helpline in their languages.",
    )
    for number in range(30):
        make_lesson(
            author,
            f"Victim support in the region, report {number}",
            summary="Support and protection of victims of trafficking in the region.",
        )
    draft = "A helpline for berry pickers in the season, victim support in the region"
    with app.test_request_context():
        items = contributions("lessons", "intranet_similar_work", text=draft, user=author, limit=3)

    assert items[0].title.startswith("Seasonal berry pickers")
    assert compared and max(compared) <= 2 * 4, "more lessons compared than the neighbourhood"


@pytest.mark.parametrize("sample", [500, 3])
def test_a_draft_of_words_no_lesson_holds_finds_nothing(
    app, make_user, make_lesson, compared, monkeypatch, sample
):
    monkeypatch.setattr(similar, "RARITY_SAMPLE", sample)
    author = make_user("member")
    for number in range(8):
        make_lesson(author, f"Victim support, report {number}")
    with app.test_request_context():
        items = contributions(
            "lessons", "intranet_similar_work", text="zebra quokka", user=author, limit=3
        )
    assert items == []
