"""Demo data: a year of plenaries rotating between the member states, workshops, a series."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import pairwise

from intranet.plugin_api import User, db, time_zone, utcnow

from .calendar import occurrences
from .models import (
    ActionItem,
    AgendaItem,
    Decision,
    Meeting,
    Minutes,
    OccurrenceOverride,
    Participant,
    Series,
)
from .services import series_end

HOSTS = [
    ("DK", "Copenhagen", "Europe/Copenhagen"),
    ("EE", "Tallinn", "Europe/Tallinn"),
    ("FI", "Helsinki", "Europe/Helsinki"),
    ("DE", "Berlin", "Europe/Berlin"),
    ("IS", "Reykjavík", "Atlantic/Reykjavik"),
    ("LV", "Riga", "Europe/Riga"),
    ("LT", "Vilnius", "Europe/Vilnius"),
    ("NO", "Oslo", "Europe/Oslo"),
    ("PL", "Warsaw", "Europe/Warsaw"),
    ("SE", "Stockholm", "Europe/Stockholm"),
]
AGENDA = [
    ("Opening and adoption of the agenda", "Chair", 15),
    ("Tour de table: national developments", "All delegations", 60),
    ("Report of the secretariat", "Secretariat", 30),
    ("Sub-group reports", "Sub-group leads", 45),
    ("Any other business", "Chair", 15),
]
WORKSHOPS = [
    ("Expert workshop: labour exploitation in supply chains", "FI"),
    ("Expert workshop: identifying victims online", "EE"),
    ("Expert workshop: child trafficking and guardianship", "PL"),
]


def meeting_at(
    title: str, kind: str, host: tuple[str, str, str], day: datetime, **fields: object
) -> Meeting:
    country, city, zone_name = host
    zone = time_zone(zone_name)
    start = datetime.combine(day.date(), time(9, 30), tzinfo=zone)
    meeting = Meeting(
        title=title,
        kind=kind,
        start_at=start,
        end_at=start + timedelta(hours=7),
        timezone=zone_name,
        venue=f"{city}, ministry premises",
        online_url="",
        host_country=country,
        status="held" if start < utcnow() else "confirmed",
        exdates=[],
        **fields,
    )
    meeting.last_end_at = series_end(meeting)
    return meeting


def create(users: dict[str, User]) -> None:
    members = [user for key, user in users.items() if key.startswith("member_")]
    secretariat = users["secretariat"]
    plenaries = Series(title="Plenaries of the task force")
    first = utcnow() - timedelta(days=300)
    meetings = []
    for number, host in enumerate(HOSTS):
        day = first + timedelta(days=number * 38)
        meeting = meeting_at(
            f"Plenary meeting in {host[1]}", "plenary", host, day, series=plenaries
        )
        for position, (title, presenter, minutes) in enumerate(AGENDA, start=1):
            meeting.agenda_items.append(
                AgendaItem(
                    position=position, title=title, presenter=presenter, duration_minutes=minutes
                )
            )
        past = meeting.start_at < utcnow()
        meeting.agenda_published_at = meeting.start_at - timedelta(days=14)
        for index, user in enumerate(members):
            answer = "not-attending" if index % 5 == 4 else "attending"
            meeting.participants.append(
                Participant(
                    user=user,
                    response=answer,
                    mode="online" if index % 3 == 0 else "in-person",
                    attended=(answer == "attending") if past else None,
                )
            )
        if past:
            # The next plenary approves these minutes under its standing item, once it met.
            approved = meeting.start_at + timedelta(days=38) < utcnow()
            meeting.minutes = Minutes(
                body=f"## Summary\n\nThe task force met in {host[1]}; delegations reported on "
                "**national action plans** against trafficking in human beings.",
                status="approved" if approved else "draft",
                approved_at=meeting.start_at + timedelta(days=38, hours=1) if approved else None,
                approved_by=secretariat if approved else None,
            )
            meeting.decisions.append(Decision(text="The agenda was adopted as proposed."))
            owner = members[number % len(members)]
            status = "done" if approved and number % 2 == 0 else "open"
            meeting.action_items.append(
                ActionItem(
                    title=f"Share the national referral mechanism update ({owner.country_code})",
                    owner_user=owner,
                    due_on=(meeting.start_at + timedelta(days=30)).date(),
                    status=status,
                    closed_at=utcnow() if status == "done" else None,
                )
            )
            meeting.action_items.append(
                ActionItem(
                    title="Comment on the draft annual report",
                    owner_country=host[0],
                    due_on=(meeting.start_at + timedelta(days=60)).date(),
                )
            )
        meetings.append(meeting)
    for previous, following in pairwise(meetings):
        if previous.minutes is not None and previous.minutes.status == "approved":
            previous.minutes.approved_in = following
    hosts = {host[0]: host for host in HOSTS}
    for number, (title, country) in enumerate(WORKSHOPS):
        day = (
            utcnow() + timedelta(days=20 + number * 70)
            if number
            else utcnow() - timedelta(days=120)
        )
        meetings.append(meeting_at(title, "expert-workshop", hosts[country], day))
    online = meeting_at(
        "Online coordination call",
        "other",
        hosts["SE"],
        utcnow() + timedelta(days=3),
        rrule="FREQ=WEEKLY;INTERVAL=2;COUNT=12",
    )
    online.venue, online.online_url = "", "https://meet.example.org/task-force"
    # The second call falls on a holiday: it is moved a day later, and the fourth is cancelled.
    second, fourth = occurrences(online)[1], occurrences(online)[3]
    online.overrides = [
        OccurrenceOverride(
            occurs_on=second.date(),
            start_at=second + timedelta(days=1),
            end_at=second + timedelta(days=1) + (online.end_at - online.start_at),
        ),
        OccurrenceOverride(occurs_on=fourth.date(), cancelled=True),
    ]
    online.last_end_at = series_end(online)
    meetings.append(online)
    for meeting in meetings:
        meeting.created_by_id = secretariat.id
    db.session.add_all(meetings)
    db.session.commit()
