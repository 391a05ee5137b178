"""Bulk data at the scale of a region's network of experts, for benchmarks and query guards.

`flask --app wsgi intranet demo --scale N` adds, on top of the demo task force, N times
10,000 members and 5,000 guests; each enabled plugin adds its own share through the
`intranet_scale_data` hook (sub-groups and posts, meetings, lessons, ...). Rows go in with
SQLAlchemy Core executemany in batches, never one ORM object at a time; the full-text
indexes fill themselves (FTS5 triggers on SQLite, GIN expression indexes on PostgreSQL).

The data is pseudo-random but deterministic: the same scale gives the same database.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from intranet.accounts import security
from intranet.extensions import db
from intranet.models import Organisation, User, utcnow
from intranet.platform import plugins
from intranet.values import ScalePeople

MEMBERS = 10_000
GUESTS = 5_000
BATCH = 5_000
SCALE_DOMAIN = "scale.example"
COUNTRIES = ("DK", "EE", "FI", "DE", "IS", "LV", "LT", "NO", "PL", "SE", "EU")
GIVEN = [
    "Anna",
    "Erik",
    "Kadri",
    "Mart",
    "Aino",
    "Mikko",
    "Lukas",
    "Lea",
    "Gudrun",
    "Bjarni",
    "Ilze",
    "Janis",
    "Ruta",
    "Tomas",
    "Ingrid",
    "Ola",
    "Katarzyna",
    "Piotr",
    "Sofia",
    "Jonas",
    "Claire",
    "Pierre",
    "Mette",
    "Rasmus",
    "Liis",
    "Sanna",
    "Felix",
    "Helga",
    "Dace",
    "Egle",
]
FAMILY = [
    "Tamm",
    "Kask",
    "Virtanen",
    "Korhonen",
    "Hoffmann",
    "Becker",
    "Einarsdottir",
    "Ozola",
    "Berzina",
    "Kazlauskas",
    "Haugen",
    "Berg",
    "Nowak",
    "Kowalski",
    "Johansson",
    "Lindqvist",
    "Dubois",
    "Martin",
    "Holm",
    "Lund",
    "Saar",
    "Nieminen",
    "Wagner",
    "Kalnins",
    "Liepa",
    "Solberg",
    "Lie",
    "Mazur",
    "Andersson",
    "Dahl",
]
SCALE_VOCABULARY = [
    "trafficking",
    "victim",
    "identification",
    "referral",
    "labour",
    "exploitation",
    "inspection",
    "shelter",
    "assistance",
    "prosecution",
    "investigation",
    "cooperation",
    "border",
    "police",
    "guidance",
    "training",
    "awareness",
    "campaign",
    "prevention",
    "protection",
    "recruitment",
    "agency",
    "forced",
    "begging",
    "criminality",
    "sexual",
    "online",
    "platform",
    "evidence",
    "court",
    "compensation",
    "interpreter",
    "hotline",
    "municipality",
    "ministry",
    "network",
    "partner",
    "survey",
    "data",
    "report",
    "guideline",
    "mechanism",
    "coordinator",
    "helpline",
    "outreach",
    "migrant",
    "worker",
    "construction",
    "agriculture",
    "fishing",
    "seasonal",
    "child",
    "unaccompanied",
    "return",
    "reintegration",
    "risk",
    "indicator",
    "screening",
    "procurement",
    "supply",
    "chain",
    "audit",
    "financial",
    "investigation",
    "money",
    "laundering",
    "witness",
    "residence",
    "permit",
    "reflection",
    "period",
    "counselling",
]


def scale_words(rng: random.Random, count: int) -> str:
    """`count` words of the task force's vocabulary, for titles and bodies the search can hit."""
    return " ".join(rng.choices(SCALE_VOCABULARY, k=count))


def sentence(rng: random.Random, low: int, high: int) -> str:
    return scale_words(rng, rng.randint(low, high)).capitalize() + "."


def bulk_insert(table: Table | Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) with executemany, in batches.

    `table` is a Table or a model class. Rows may carry explicit ids (see `next_id`); on
    PostgreSQL the id sequence is moved past them so later inserts do not collide.
    """
    table = getattr(table, "__table__", table)
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), list(rows[start : start + BATCH]))
    if rows and "id" in rows[0] and db.engine.dialect.name == "postgresql":
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table.name}))"
            )
        )


def next_id(table: Table | Any) -> int:
    """The first free id of `table`, so a generator can link child rows to rows it inserts."""
    table = getattr(table, "__table__", table)
    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


def scale_email(role: str, number: int) -> str:
    return f"{role}{number}@{SCALE_DOMAIN}"


def _organisations() -> Sequence[Any]:
    """The organisations people belong to; a few ministries per country when there are none
    (on a database without the demo), so that pages listing people join organisations too."""
    if not db.session.scalar(select(Organisation.id).limit(1)):
        bulk_insert(
            Organisation,
            [
                {"name": f"Ministry of {area} ({code})", "kind": "ministry", "country_code": code}
                for code in COUNTRIES
                if code != "EU"
                for area in ("the Interior", "Justice", "Labour")
            ],
        )
    return db.session.execute(select(Organisation.id, Organisation.country_code)).all()


def _people_rows(
    rng: random.Random, role: str, count: int, first_id: int, password_hash: str
) -> Iterable[dict[str, Any]]:
    organisations = _organisations()
    now = utcnow()
    for number in range(count):
        country = rng.choice(COUNTRIES)
        yield {
            "id": first_id + number,
            "email": scale_email(role, number + 1),
            "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            "role": role,
            "country_code": country if role != "guest" else None,
            "password_hash": password_hash,
            "is_active_account": True,
            "session_version": 1,
            "timezone": "Europe/Stockholm",
            "created_at": now - timedelta(days=rng.randint(0, 2000)),
            "position": scale_words(rng, 2).title(),
            "organisation_id": rng.choice(organisations)[0] if role != "guest" else None,
            "expertise": sentence(rng, 4, 12),
            "languages": "English",
            "bio": sentence(rng, 10, 30),
            "phone_visibility": "members",
            "email_visibility": "members",
            "notification_preference": "none",
        }


def create_scale_data(scale: float, password: str) -> ScalePeople:
    """Add `scale` x 10,000 members and 5,000 guests, then every enabled plugin's bulk data.

    Everyone gets `password` (hashed once). Returns the generated people's ids.
    """
    rng = random.Random(f"intranet-scale-{scale}")
    password_hash = security.hash_password(password)
    people = ScalePeople()
    first = next_id(User)
    for role, count, bucket in (
        ("member", max(1, round(MEMBERS * scale)), people.members),
        ("guest", max(1, round(GUESTS * scale)), people.guests),
        ("secretariat", 2, people.staff),
    ):
        rows = list(_people_rows(rng, role, count, first, password_hash))
        bulk_insert(User, rows)
        bucket.extend(row["id"] for row in rows)
        first += count
    db.session.commit()
    plugins.enabled_hook("intranet_scale_data")(scale=scale, people=people)
    db.session.commit()
    analyze()
    return people


def analyze() -> None:
    """Fresh planner statistics after a bulk load, as an operator would run after an import."""
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def has_scale_data() -> bool:
    return bool(db.session.scalar(select(User.id).where(User.email == scale_email("member", 1))))
