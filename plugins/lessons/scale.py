"""Bulk data for benchmarks: 100,000 lessons per scale unit with their facet terms."""

from __future__ import annotations

import random
from datetime import timedelta

from intranet.plugin_api import ScalePeople, bulk_insert, next_id, scale_words, utcnow

from .models import Lesson, LessonTerm
from .vocab import AREAS, COUNTRIES, EXPLOITATION_FORMS, LEVELS

LESSONS = 100_000
TAGS = ("online", "labour inspection", "shelter", "training", "data", "hotline", "audit")


def create_scale_lessons(scale: float, people: ScalePeople) -> None:
    rng = random.Random("lessons-scale")
    now = utcnow()
    count = max(1, round(LESSONS * scale))
    first = next_id(Lesson)
    lessons, terms = [], []
    for number in range(count):
        lesson_id = first + number
        status = "published" if rng.random() < 0.9 else rng.choice(("draft", "submitted"))
        start_year = rng.randint(2005, 2025)
        created = now - timedelta(days=rng.randint(1, 3000))
        author = people.members[0] if number % 1000 == 0 else rng.choice(people.members)
        lessons.append(
            {
                "id": lesson_id,
                "title": scale_words(rng, 6).capitalize(),
                "summary": scale_words(rng, 30),
                "context": scale_words(rng, 40),
                "actions": scale_words(rng, 40),
                "results": scale_words(rng, 30),
                "recommendation": scale_words(rng, 20),
                "level": rng.choice(list(LEVELS)),
                "area": rng.choice(list(AREAS)),
                "target_group": "children" if rng.random() < 0.1 else "adults",
                "organisation": "",
                "contact_person": "",
                "start_year": start_year,
                "end_year": start_year + rng.randint(0, 4),
                "links": "",
                "status": status,
                "sharing": rng.choice(("taskforce", "taskforce", "partners", "public")),
                "author_id": author,
                "created_at": created,
                "updated_at": created,
                "submitted_at": created if status != "draft" else None,
                "published_at": created if status == "published" else None,
            }
        )
        facets = [
            *(("country", code) for code in rng.sample(list(COUNTRIES), rng.randint(1, 3))),
            *(("form", form) for form in rng.sample(list(EXPLOITATION_FORMS), rng.randint(1, 2))),
            ("tag", rng.choice(TAGS)),
        ]
        terms.extend(
            {"lesson_id": lesson_id, "facet": facet, "value": value} for facet, value in facets
        )
    bulk_insert(Lesson, lessons)
    bulk_insert(LessonTerm, terms)
