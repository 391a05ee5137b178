"""The coverage matrix's counts, cached per process and never stale.

The counts follow what a published lesson is counted by (its status, sharing, level, area,
start year and terms) and the initiatives with their countries: the core's data stamp
"lessons-counts" moves with every transaction that changes one of them for a lesson that is
published or was until then (see `intranet.platform.stamps`), and a request counts again only
when it has moved. Editing a lesson's text does not move it, nor does writing a draft, so the
counts of a million lessons are not taken again because someone corrected a typo or started a
lesson. The stamp "lessons-counts-all" moves with the same changes to any lesson (the counts
of the lessons not yet published, which reviewers see), and the stamp "lessons" with any write
of a lesson (the word rarities of `similar` follow the text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import click
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select

from intranet.plugin_api import cached_figures, db, figures_changed, plural, watch_tables

from . import tally
from .models import Initiative, InitiativeCountry, Lesson, LessonTerm

STAMP = "lessons"
COUNTS_STAMP = "lessons-counts"
ALL_COUNTS_STAMP = "lessons-counts-all"
T = TypeVar("T")
COUNTED = (Lesson.status, Lesson.sharing, Lesson.level, Lesson.area, Lesson.start_year)


def published_or_was(lesson: Lesson) -> bool:
    """Whether a lesson just written is published, or was until this write."""
    before = inspect(lesson).attrs.status.history.deleted or ()
    return lesson.status == "published" or "published" in before


watch_tables(STAMP, Lesson, LessonTerm, Initiative, InitiativeCountry)
watch_tables(COUNTS_STAMP, *COUNTED, only=published_or_was)
watch_tables(COUNTS_STAMP, LessonTerm, only=lambda term: published_or_was(term.lesson))
watch_tables(COUNTS_STAMP, Initiative, InitiativeCountry)
watch_tables(ALL_COUNTS_STAMP, *COUNTED, LessonTerm)

Counts = dict[tuple[str, str], int]


@dataclass(frozen=True)
class Coverage:
    """Published lessons and initiatives per (country, area) or (country, level)."""

    lessons: Counts
    initiatives: Counts


@click.command("recount-lessons")
@with_appcontext
def recount_command() -> None:
    """Count the lessons' facet values again, as after lessons were changed around the
    intranet (SQL run by hand): says how many counts were out of step, and corrects them."""
    wrong = tally.recount(db.session)
    figures_changed(db.session.connection(), COUNTS_STAMP, ALL_COUNTS_STAMP)
    db.session.commit()
    if wrong:
        click.echo(f"{plural(wrong, 'count')} of lessons out of step, corrected")
    else:
        click.echo("The counts of lessons were in step")


def coverage_counts(by: str) -> Coverage:
    """The counts by "area" or "level": from this app's cache while the stamp has not moved."""
    return cached(f"coverage:{by}", lambda: count(by))


def cached(name: str, compute: Callable[[], T], *, drafts: bool = False) -> T:
    """`compute()` once per change to what published lessons are counted by (with `drafts`,
    what any lesson is counted by), for every worker and host."""
    return cached_figures(ALL_COUNTS_STAMP if drafts else COUNTS_STAMP, name, compute)


def count(by: str) -> Coverage:
    """The lessons from the tally (kept row by row), the initiatives counted (a few thousand)."""
    initiative_dimension = getattr(Initiative, by)
    initiatives = db.session.execute(
        select(InitiativeCountry.code, initiative_dimension, func.count())
        .join(Initiative, Initiative.id == InitiativeCountry.initiative_id)
        .group_by(InitiativeCountry.code, initiative_dimension)
    )
    return Coverage(
        lessons=tally.by_country(by),
        initiatives={(country, value): number for country, value, number in initiatives},
    )
