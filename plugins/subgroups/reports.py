"""What the sub-groups plugin adds to a member's profile and to the activity report."""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for
from sqlalchemy import func, select

from intranet.plugin_api import (
    ProfileSection,
    ReportSection,
    User,
    country_name,
    db,
    plural,
    utcnow,
)

from . import rules
from .models import Membership, Post, SubGroup, Thread


def profile_sections(member: User, viewer: User) -> list[ProfileSection]:
    """The groups `member` is active in, as far as `viewer` may see them."""
    query = (
        select(SubGroup)
        .join(Membership, Membership.group_id == SubGroup.id)
        .where(
            Membership.user_id == member.id,
            Membership.state == "active",
            SubGroup.status.in_(("active", "archived")),
        )
        .order_by(SubGroup.end_date.desc())
    )
    groups = db.session.scalars(rules.listed(query, viewer)).all()
    items = [
        (
            group.name + (" (archived)" if group.current_status == "archived" else ""),
            url_for("subgroups.show", group_id=group.id),
        )
        for group in groups
    ]
    return [ProfileSection("Sub-groups", items, "Not in any sub-group.", order=20)]


def report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    """The groups active between `start` and `end`, their members and posts, by country."""
    groups = db.session.scalars(
        select(SubGroup)
        .where(
            SubGroup.status.in_(("active", "archived")),
            SubGroup.start_date <= end,
            SubGroup.end_date >= start,
        )
        .order_by(SubGroup.name)
    ).all()
    ids = [group.id for group in groups]
    period_start = datetime.combine(start, datetime.min.time(), tzinfo=utcnow().tzinfo)
    period_end = datetime.combine(end, datetime.max.time(), tzinfo=utcnow().tzinfo)
    posts = dict(
        db.session.execute(
            select(Thread.group_id, func.count(Post.id))
            .join(Post, Post.thread_id == Thread.id)
            .where(
                Thread.group_id.in_(ids),
                Post.created_at >= period_start,
                Post.created_at <= period_end,
                Post.deleted_at.is_(None),
            )
            .group_by(Thread.group_id)
        ).all()
    )
    # Who had joined by the end of the period: people who joined after it did not take part.
    joined_by_end = func.coalesce(Membership.joined_at, Membership.created_at) <= period_end
    members = dict(
        db.session.execute(
            select(Membership.group_id, func.count(Membership.id))
            .where(Membership.group_id.in_(ids), Membership.state == "active", joined_by_end)
            .group_by(Membership.group_id)
        ).all()
    )
    by_country = db.session.execute(
        select(User.country_code, func.count(func.distinct(User.id)))
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id.in_(ids), Membership.state == "active", joined_by_end)
        .group_by(User.country_code)
    ).all()
    total_posts = sum(posts.values())
    return [
        ReportSection(
            "Sub-groups",
            f"{plural(len(groups), 'sub-group')} active in the period; "
            f"{plural(total_posts, 'post')} written.",
            ["Sub-group", "Kind", "From", "To", "Members", "Posts in the period"],
            [
                [
                    group.name,
                    group.kind_label,
                    f"{group.start_date:%d %b %Y}",
                    f"{group.end_date:%d %b %Y}",
                    str(members.get(group.id, 0)),
                    str(posts.get(group.id, 0)),
                ]
                for group in groups
            ],
            order=20,
        ),
        ReportSection(
            "Sub-group membership by country",
            "People in the sub-groups above, counted once per country.",
            ["Country", "Members"],
            sorted(
                [country_name(country) or "No country given", str(count)]
                for country, count in by_country
            ),
            order=21,
        ),
    ]
