"""Bulk data for benchmarks: 20,000 meetings per scale unit over ten years, each with an
agenda, invited participants, minutes once held, and action items."""

from __future__ import annotations

import random
from datetime import timedelta

from intranet.plugin_api import ScalePeople, bulk_insert, next_id, scale_words, utcnow

from .models import ActionItem, AgendaItem, Meeting, Minutes, Participant

MEETINGS = 20_000
AGENDA_ITEMS = 5
PARTICIPANTS = 8
ACTION_ITEMS = 3
BENCH_USER_EVERY = 100  # the benchmark's user is invited to one meeting in a hundred
HOSTS = [
    ("DK", "Europe/Copenhagen"),
    ("EE", "Europe/Tallinn"),
    ("FI", "Europe/Helsinki"),
    ("LV", "Europe/Riga"),
    ("PL", "Europe/Warsaw"),
    ("SE", "Europe/Stockholm"),
]


def create_scale_meetings(scale: float, people: ScalePeople) -> None:
    rng = random.Random("meetings-scale")
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    count = max(1, round(MEETINGS * scale))
    first = next_id(Meeting)
    meetings, agenda, participants, minutes, actions = [], [], [], [], []
    for number in range(count):
        meeting_id = first + number
        start = now + timedelta(hours=rng.randint(-24 * 3650, 24 * 365))
        if number < 5:  # the benchmark's user has a few meetings coming up at any scale
            start = now + timedelta(days=7 * number + 1)
        end = start + timedelta(hours=rng.choice((2, 4, 7)))
        held = end < now
        country, zone = rng.choice(HOSTS)
        meetings.append(
            {
                "id": meeting_id,
                "title": scale_words(rng, 4).capitalize(),
                "kind": rng.choice(("plenary", "expert-workshop", "other")),
                "start_at": start,
                "end_at": end,
                "last_end_at": end,
                "timezone": zone,
                "venue": "Ministry premises",
                "online_url": "",
                "host_country": country,
                "status": "held" if held else "confirmed",
                "exdates": [],
                "agenda_published_at": start - timedelta(days=14),
                "created_at": start - timedelta(days=60),
                "updated_at": start - timedelta(days=14),
                "created_by_id": people.staff[0],
            }
        )
        agenda.extend(
            {
                "meeting_id": meeting_id,
                "position": position,
                "title": scale_words(rng, 5).capitalize(),
                "presenter": "Secretariat",
                "duration_minutes": 30,
                "description": scale_words(rng, 20),
            }
            for position in range(AGENDA_ITEMS)
        )
        invited = set(rng.sample(people.members, min(PARTICIPANTS, len(people.members))))
        if number % BENCH_USER_EVERY == 0 or number < 5:
            invited.add(people.members[0])
        participants.extend(
            {
                "meeting_id": meeting_id,
                "user_id": user_id,
                "response": rng.choice(("attending", "not-attending", "tentative", None)),
                "mode": "in-person",
                "invited_at": start - timedelta(days=30),
            }
            for user_id in sorted(invited)
        )
        if held:
            minutes.append(
                {
                    "meeting_id": meeting_id,
                    "body": scale_words(rng, 80),
                    "status": "approved",
                    "updated_at": end + timedelta(days=7),
                    "approved_at": end + timedelta(days=7),
                }
            )
        actions.extend(
            {
                "meeting_id": meeting_id,
                "title": scale_words(rng, 6).capitalize(),
                "owner_user_id": rng.choice(people.members),
                "owner_country": rng.choice(HOSTS)[0],
                "due_on": (end + timedelta(days=60)).date(),
                "status": "done" if held and rng.random() < 0.8 else "open",
                "created_at": end,
            }
            for _ in range(ACTION_ITEMS)
        )
    bulk_insert(Meeting, meetings)
    bulk_insert(AgendaItem, agenda)
    bulk_insert(Participant, participants)
    bulk_insert(Minutes, minutes)
    bulk_insert(ActionItem, actions)
