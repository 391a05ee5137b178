"""The activity report's "coverage change": country and area cells filled during the period."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import event

from intranet.extensions import db
from tests.conftest import contributions


def at(day):
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def change(app, member, start, end):
    with app.test_request_context():
        sections = contributions(
            "lessons", "intranet_report_sections", start=start, end=end, user=member
        )
    return next(s for s in sections if s.title == "Coverage of lessons learned: change")


def test_coverage_change_lists_the_cells_filled_during_the_period(app, member, make_lesson):
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    # covered before the period: Sweden and Finland in protection
    make_lesson(member, "Old", countries=["SE", "FI"], published_at=at(date(2025, 5, 1)))
    # Sweden/protection again in the period: not newly filled
    make_lesson(member, "Again", countries=["SE"], published_at=at(date(2026, 2, 1)))
    # new cells in the period, one on its first and one on its last day
    make_lesson(
        member, "New", countries=["EE"], area="prevention", published_at=at(date(2026, 1, 1))
    )
    make_lesson(member, "Last day", countries=["LV"], area="prosecution", published_at=at(end))
    # not counted: after the period, a draft, a submitted lesson
    make_lesson(member, "Later", countries=["PL"], published_at=at(date(2026, 7, 1)))
    make_lesson(member, "Draft", countries=["DK"], status="draft")
    make_lesson(member, "Waiting", countries=["NO"], status="submitted")

    section = change(app, member, start, end)
    assert section.rows == [["Estonia", "Prevention"], ["Latvia", "Prosecution"]]
    assert section.summary.startswith("2 of 44 country and area cells")
    assert "4 at its end: 2 filled during the period" in section.summary


def test_coverage_change_of_a_quiet_period_is_empty(app, member, make_lesson):
    make_lesson(member, "Old", countries=["SE"], published_at=at(date(2025, 5, 1)))
    section = change(app, member, date(2026, 1, 1), date(2026, 1, 31))
    assert section.rows == []
    assert "1 at its end: 0 filled" in section.summary


def test_the_report_is_counted_once_per_change_of_the_lessons(app, member, make_lesson):
    """Counting reads every published lesson: an unchanged period is not counted again, and a
    newly published lesson shows at once."""
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    make_lesson(member, "First", countries=["SE"], published_at=at(date(2026, 2, 1)))

    def published(start: date = start, end: date = end) -> tuple[str, list[str]]:
        seen: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            with app.test_request_context():
                sections = contributions(
                    "lessons", "intranet_report_sections", start=start, end=end, user=member
                )
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return sections[0].summary, seen

    assert published()[0] == "1 lesson published in the period."
    summary, statements = published()
    assert summary == "1 lesson published in the period."
    assert not [s for s in statements if "lessons_lesson" in s and "GROUP BY" in s]

    make_lesson(member, "Second", countries=["FI"], published_at=at(date(2026, 3, 1)))
    assert published()[0] == "2 lessons published in the period."
    assert published(date(2025, 1, 1), date(2025, 6, 30))[0] == "0 lessons published in the period."
