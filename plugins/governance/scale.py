"""Bulk data for benchmarks: per scale unit 40 chairmanship years (1 July to 30 June) with their
chairpersons, the mandate periods covering them, 300 revisions of the living documents, an
activity report per past year and the draft of the current one.

Years the demo data already holds are left as they are: periods never overlap, and revision
numbers continue each document's history."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from intranet.plugin_api import ScalePeople, bulk_insert, db, next_id, scale_words, utcnow

from .chairmanship import chair_year, year_of
from .documents import DOCUMENTS
from .models import ChairPeriod, MandatePeriod, Report, Revision, chairperson_table

YEARS = 40
MANDATE_YEARS = 3
REVISIONS = 300
COUNTRIES = ("DK", "EE", "FI", "DE", "IS", "LV", "LT", "NO", "PL", "SE")


def create_scale_governance(scale: float, people: ScalePeople) -> None:
    rng = random.Random("governance-scale")
    now = utcnow()
    current = year_of(now.date())
    years = range(current + 1 - max(2, round(YEARS * scale)), current + 2)
    taken = {start.year for start in db.session.scalars(select(ChairPeriod.start))}
    free_years = [year for year in years if year not in taken]
    _chair_periods(rng, free_years, people)
    _mandates(years)
    _revisions(rng, max(2, round(REVISIONS * scale)), people)
    _reports(rng, [year for year in free_years if year < current], people)
    if current in free_years:
        _draft_report(current, people)


def _draft_report(year: int, people: ScalePeople) -> None:
    """The report of the year in force, which the secretariat drafts as the year goes: its
    sections are read live from every plugin's data, so the benchmark measures them."""
    start, end = chair_year(year)
    row = {
        "title": f"Activity report {year}-{year + 1}",
        "start": start,
        "end": end,
        "introduction": "",
        "conclusions": "",
        "created_by_id": people.staff[0],
    }
    bulk_insert(Report, [row])


def _chair_periods(rng: random.Random, years: list[int], people: ScalePeople) -> None:
    first = next_id(ChairPeriod)
    periods, chairpersons = [], []
    for offset, year in enumerate(years):
        start, end = chair_year(year)
        periods.append(
            {
                "id": first + offset,
                "start": start,
                "end": end,
                "country_code": COUNTRIES[year % len(COUNTRIES)],
                "override_reason": None,
                "created_at": utcnow(),
            }
        )
        chairpersons.extend(
            {"period_id": first + offset, "user_id": user_id}
            for user_id in rng.sample(people.members, min(2, len(people.members)))
        )
    bulk_insert(ChairPeriod, periods)
    bulk_insert(chairperson_table, chairpersons)


def _mandates(years: range) -> None:
    """Back-to-back mandate periods over `years`, skipping any that would overlap a kept one."""
    kept = db.session.execute(select(MandatePeriod.start, MandatePeriod.end)).all()
    rows = []
    for year in range(years.start, years.stop, MANDATE_YEARS):
        start = date(year, 7, 1)
        end = date(min(year + MANDATE_YEARS, years.stop), 6, 30)
        if any(start <= other_end and other_start <= end for other_start, other_end in kept):
            continue
        rows.append(
            {
                "start": start,
                "end": end,
                "decision_text": f"The mandate runs until {end.isoformat()}.",
                "decision_reference": f"CSO decision {year}/{len(rows) + 1}",
                "decision_date": start - timedelta(days=30),
                "is_prolongation": bool(rows),
                "created_at": utcnow(),
            }
        )
    bulk_insert(MandatePeriod, rows)


def _revisions(rng: random.Random, count: int, people: ScalePeople) -> None:
    numbers = dict(
        db.session.execute(
            select(Revision.document, func.max(Revision.number)).group_by(Revision.document)
        ).all()
    )
    now = utcnow()
    rows = []
    for index in range(count):
        document = list(DOCUMENTS)[index % len(DOCUMENTS)]
        numbers[document] = numbers.get(document, 0) + 1
        rows.append(
            {
                "document": document,
                "number": numbers[document],
                "body": scale_words(rng, rng.randint(60, 200)),
                "reason": scale_words(rng, 6).capitalize(),
                "author_id": rng.choice(people.staff),
                "created_at": now - timedelta(days=count - index),
            }
        )
    bulk_insert(Revision, rows)


def _reports(rng: random.Random, years: list[int], people: ScalePeople) -> None:
    rows = []
    for year in years:
        start, end = chair_year(year)
        closed = datetime(end.year, end.month, end.day, 12, tzinfo=UTC)
        submitted = min(closed + timedelta(days=60), utcnow())
        author = rng.choice(people.staff)
        rows.append(
            {
                "title": f"Activity report {year}-{year + 1}",
                "start": start,
                "end": end,
                "introduction": scale_words(rng, 60),
                "conclusions": scale_words(rng, 40),
                "snapshot": [
                    {
                        "title": scale_words(rng, 3).capitalize(),
                        "summary": scale_words(rng, 30),
                        "headers": ["Item", "Count"],
                        "rows": [[scale_words(rng, 2), str(rng.randint(1, 50))]],
                        "order": 100,
                    }
                ],
                "created_by_id": author,
                "created_at": closed - timedelta(days=30),
                "submitted_by_id": author,
                "submitted_at": submitted,
            }
        )
    bulk_insert(Report, rows)
