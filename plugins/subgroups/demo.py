"""Demo sub-groups of an anti-trafficking task force; every text is invented."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from intranet.plugin_api import User, db, utcnow

from .models import Membership, Post, SubGroup, Thread, log_activity, today

GROUPS = [
    {
        "name": "Labour exploitation in the Baltic Sea Region",
        "kind": "topic",
        "policy": "open",
        "months": (-8, 10),
        "status": "active",
        "convenor": "member_fi",
        "members": ["member_ee", "member_lt", "member_pl", "member_se", "secretariat"],
        "mandate": (
            "Map how trafficking for forced labour shows up in construction, agriculture, "
            "cleaning and seasonal work in the region.\n\n"
            "- compare how labour inspectorates and police cooperate\n"
            "- collect practices for identifying victims among posted and seasonal workers\n"
            "- propose joint guidance for labour inspectors by the end of the mandate"
        ),
        "threads": [
            (
                "Seasonal berry pickers: what did inspections find last summer?",
                [
                    (
                        "member_fi",
                        "Our inspectorate visited 40 farms. Recruitment fees charged in the home "
                        "country were the most common indicator. Did anyone see the same?",
                    ),
                    (
                        "member_se",
                        "Yes. We also saw passports kept by the employer *for safekeeping*. "
                        "I can share our checklist at the next meeting.",
                    ),
                ],
            )
        ],
    },
    {
        "name": "Victim assistance and rehabilitation",
        "kind": "project",
        "policy": "request",
        "months": (-4, 14),
        "status": "active",
        "convenor": "member_dk",
        "members": ["member_no", "member_is", "member_de"],
        "mandate": (
            "Compare national referral mechanisms and the assistance offered to victims: "
            "shelter, health care, legal aid, reflection periods and long-term "
            "rehabilitation. Deliver a short guide on safe return and reintegration."
        ),
        "threads": [
            (
                "Reflection period: 30, 60 or 90 days?",
                [
                    (
                        "member_no",
                        "Our experience is that 30 days are rarely enough for a victim to decide "
                        "whether to cooperate with the police.",
                    ),
                    (
                        "member_dk",
                        "Agreed. Let us list the national rules in a table before the meeting.",
                    ),
                ],
            )
        ],
    },
    {
        "name": "Data collection and statistics on trafficking",
        "kind": "initiative",
        "policy": "invitation",
        "months": (-20, -2),
        "status": "archived",
        "convenor": "member_lv",
        "members": ["member_ee", "member_eu", "secretariat2"],
        "mandate": (
            "Agree on common indicators and definitions so that national figures on "
            "identified victims, investigations and convictions can be compared across "
            "the region. Final report delivered to the task force."
        ),
        "threads": [
            (
                "Draft list of common indicators",
                [
                    (
                        "member_lv",
                        "Attached to the meeting minutes: twelve indicators, split by form of "
                        "exploitation, sex and age group.",
                    )
                ],
            )
        ],
    },
    {
        "name": "Cooperation with NGOs and civil society",
        "kind": "topic",
        "policy": "open",
        "months": (-1, 11),
        "status": "active",
        "convenor": "secretariat",
        "members": ["member_se", "member_pl", "member_eu"],
        "mandate": (
            "Strengthen cooperation between authorities and NGOs that reach victims first: "
            "outreach, helplines, shelters. Prepare a round table with NGOs from every "
            "member state."
        ),
        "threads": [],
    },
]


def create_demo_groups(users: dict[str, User]) -> None:
    now = utcnow()
    for spec in GROUPS:
        begin, finish = spec["months"]
        convenor = users[spec["convenor"]]
        start = today() + timedelta(days=30 * begin)
        # Members joined when the group began (or now, for one that has not begun): a report
        # on an earlier period counts them as its members.
        joined = min(now, datetime.combine(start, time(9), tzinfo=UTC))
        group = SubGroup(
            name=spec["name"],
            kind=spec["kind"],
            mandate=spec["mandate"],
            start_date=start,
            end_date=today() + timedelta(days=30 * finish),
            status=spec["status"],
            join_policy=spec["policy"],
            created_by_id=convenor.id,
            approved_by_id=users["secretariat"].id,
            approved_at=joined,
        )
        group.memberships.append(
            Membership(
                user_id=convenor.id,
                role="convenor",
                state="active",
                joined_at=joined,
                created_at=joined,
            )
        )
        for key in spec["members"]:
            group.memberships.append(
                Membership(
                    user_id=users[key].id,
                    role="member",
                    state="active",
                    joined_at=joined,
                    created_at=joined,
                )
            )
        db.session.add(group)
        log_activity(group, convenor, "created", f"{convenor.name} created the sub-group")
        for title, posts in spec["threads"]:
            thread = Thread(group=group, title=title, author_id=users[posts[0][0]].id)
            for key, body in posts:
                thread.posts.append(Post(author_id=users[key].id, body=body))
            db.session.add(thread)
    db.session.commit()
