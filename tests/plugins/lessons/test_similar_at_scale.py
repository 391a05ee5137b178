"""Similar work in a collection too large to compare whole: the cost follows the draft, and
the old duplicate is still found among many newer lessons sharing only common words."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from intranet.extensions import db
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


def test_word_rarity_is_kept_until_the_lessons_change(app, make_user, make_lesson, compared):
    """A word's rarity is counted once per change to the lessons: a second draft counts only
    its new words, and a lesson written in between is found by the next draft."""
    author = make_user("member")
    for number in range(8):
        make_lesson(author, f"Victim support in the region, report {number}")
    counted: list[str] = []

    def words_counted(_conn, _cursor, statement, parameters, *_args) -> None:
        if statement.lstrip().startswith("SELECT (SELECT count(*)"):  # the rarity statement
            values = parameters.values() if isinstance(parameters, dict) else parameters
            counted.extend(str(value) for value in values)

    def similar_titles(draft: str) -> list[str]:
        db.session.commit()  # the next request's transaction
        counted.clear()
        with app.test_request_context():
            items = contributions(
                "lessons", "intranet_similar_work", text=draft, user=author, limit=3
            )
        return [item.title for item in items]

    event.listen(db.engine, "before_cursor_execute", words_counted)
    try:
        first = similar_titles("Victim support for berry pickers in the region")
        assert first and all(title.startswith("Victim support") for title in first)
        assert any("pickers" in value for value in counted)
        assert any("region" in value for value in counted)
        similar_titles("Berry pickers in the region reached by a helpline")
        assert any("helpline" in value for value in counted)
        assert not any("pickers" in value or "region" in value for value in counted)

        make_lesson(author, "A helpline for berry pickers", summary="Seasonal berry pickers.")
        found = similar_titles("Berry pickers in the region reached by a helpline")
        assert any("pickers" in value for value in counted)
        assert found[0] == "A helpline for berry pickers"
    finally:
        event.remove(db.engine, "before_cursor_execute", words_counted)


def test_a_candidates_text_is_split_into_terms_once_per_worker(
    app, make_user, make_lesson, monkeypatch
):
    """One draft after another has the same lessons as candidates: their terms are kept."""
    similar.document_terms.cache_clear()
    split: list[str] = []
    original = similar.similarity_terms
    monkeypatch.setattr(
        similar, "similarity_terms", lambda text: split.append(text) or original(text)
    )
    author = make_user("member")
    for number in range(3):
        make_lesson(author, f"Victim support in the region, report {number}")
    for draft in ("Victim support in the region", "Support for victims in the whole region"):
        with app.test_request_context():
            found = contributions(
                "lessons", "intranet_similar_work", text=draft, user=author, limit=3
            )
        assert len(found) == 3
    candidates = [text for text in split if "report" in text]
    assert len(candidates) == 3


def test_the_score_is_the_tf_idf_cosine():
    """Worked by hand: three documents and the text "alpha beta". A term's weight is
    (1 + log count) x log(1 + n / documents holding it), n counting the text too."""
    from math import log, sqrt

    documents = [("same", "alpha beta"), ("other", "alpha gamma gamma"), ("more", "beta beta")]
    scores = dict(similar.rank_similar("alpha beta", documents, 3))

    n = 4
    alpha, beta, gamma = log(1 + n / 3), log(1 + n / 3), log(1 + n / 1)
    text_norm = sqrt(alpha**2 + beta**2)
    assert scores["same"] == pytest.approx(1.0)
    other_norm = sqrt(alpha**2 + ((1 + log(2)) * gamma) ** 2)
    assert scores["other"] == pytest.approx(alpha * alpha / (text_norm * other_norm))
    more_norm = (1 + log(2)) * beta
    assert scores["more"] == pytest.approx(beta * (1 + log(2)) * beta / (text_norm * more_norm))
    assert list(scores) == ["same", "more", "other"]
