"""Bulk data for benchmarks: 500 sub-groups per scale unit, each with members and a board of
20 threads of 20 posts (200,000 posts at scale 1)."""

from __future__ import annotations

import random
from datetime import timedelta

from intranet.plugin_api import (
    SCALE_VOCABULARY,
    ScalePeople,
    bulk_insert,
    next_id,
    scale_words,
    utcnow,
)

from .models import KINDS, Activity, Membership, Post, SubGroup, Thread

GROUPS = 500
MEMBERS_PER_GROUP = 30
THREADS_PER_GROUP = 20
POSTS_PER_THREAD = 20


def create_scale_groups(scale: float, people: ScalePeople) -> None:
    rng = random.Random("subgroups-scale")
    now = utcnow()
    today = now.date()
    count = max(1, round(GROUPS * scale))
    first_group = next_id(SubGroup)
    groups = [
        {
            "id": first_group + number,
            "name": scale_words(rng, 3).capitalize(),
            "kind": rng.choice(list(KINDS)),
            # The first group's mandate names every word, so each search finds a group.
            "mandate": " ".join(SCALE_VOCABULARY) if number == 0 else scale_words(rng, 40),
            "start_date": today - timedelta(days=rng.randint(30, 700)),
            "end_date": today + timedelta(days=rng.randint(30, 700)),
            "status": "active",
            "join_policy": "open",
            "created_by_id": people.staff[0],
            "created_at": now - timedelta(days=800),
            "approved_by_id": people.staff[0],
            "approved_at": now - timedelta(days=790),
        }
        for number in range(count)
    ]
    bulk_insert(SubGroup, groups)

    memberships = []
    bench_user = people.members[0]
    for index, group in enumerate(groups):
        chosen = set(rng.sample(people.members, min(MEMBERS_PER_GROUP, len(people.members))))
        if index < 5:
            chosen.add(bench_user)
        for position, user_id in enumerate(sorted(chosen)):
            memberships.append(
                {
                    "group_id": group["id"],
                    "user_id": user_id,
                    "role": "convenor" if position == 0 else "member",
                    "state": "active",
                    "joined_at": now - timedelta(days=300),
                    "created_at": now - timedelta(days=300),
                    "last_seen_at": now - timedelta(days=rng.randint(0, 30)),
                }
            )
    bulk_insert(Membership, memberships)

    threads, posts, activities = [], [], []
    thread_id = next_id(Thread)
    for group in groups:
        for _ in range(THREADS_PER_GROUP):
            started = now - timedelta(hours=rng.randint(1, 10_000))
            threads.append(
                {
                    "id": thread_id,
                    "group_id": group["id"],
                    "title": scale_words(rng, 5).capitalize(),
                    "author_id": rng.choice(people.members),
                    "created_at": started,
                    "last_post_at": started + timedelta(hours=POSTS_PER_THREAD),
                }
            )
            posts.extend(
                {
                    "thread_id": thread_id,
                    "author_id": rng.choice(people.members),
                    "body": scale_words(rng, rng.randint(10, 60)),
                    "created_at": started + timedelta(hours=hour),
                }
                for hour in range(POSTS_PER_THREAD)
            )
            activities.append(
                {
                    "group_id": group["id"],
                    "at": started,
                    "actor_id": people.members[0],
                    "action": "thread",
                    "summary": "started a discussion",
                }
            )
            thread_id += 1
    bulk_insert(Thread, threads)
    bulk_insert(Post, posts)
    bulk_insert(Activity, activities)
