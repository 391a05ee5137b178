"""What the sub-groups plugin adds to a member's profile and to the activity report."""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for
from sqlalchemy import String, and_, cast, func, literal_column, select, union_all

from intranet.plugin_api import (
    REPORT_ROWS,
    ProfileSection,
    ReportSection,
    User,
    cached_figures,
    country_name,
    db,
    external_url,
    plural,
    utcnow,
    watch_tables,
)

from . import rules
from .models import KINDS, Membership, Post, SubGroup, Thread

# The report's figures follow the groups, their threads, posts and memberships and the
# members' countries: counted again after any change to them, not on every view of a draft.
STAMP = "subgroups"
watch_tables(STAMP, SubGroup, Thread, Post, Membership, User.country_code)


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
    """The sections below, counted once per change to what they count (the same for every
    reader of the report: a sub-group's name and figures are shown to every member)."""
    return cached_figures(STAMP, f"report:{start}:{end}", lambda: count_sections(start, end))


def count_sections(start: date, end: date) -> list[ReportSection]:
    """The groups active between `start` and `end`, their members and posts, by country: every
    count grouped in SQL; the REPORT_ROWS groups with the most posts in the period are listed,
    the others counted."""
    in_period = and_(
        SubGroup.status.in_(("active", "archived")),
        SubGroup.start_date <= end,
        SubGroup.end_date >= start,
    )
    ids = select(SubGroup.id).where(in_period)
    period_start = datetime.combine(start, datetime.min.time(), tzinfo=utcnow().tzinfo)
    period_end = datetime.combine(end, datetime.max.time(), tzinfo=utcnow().tzinfo)
    posts = (
        select(Thread.group_id, func.count().label("count"))
        .join(Post, Post.thread_id == Thread.id)
        .where(
            Thread.group_id.in_(ids),
            Post.created_at >= period_start,
            Post.created_at <= period_end,
            Post.deleted_at.is_(None),
        )
        .group_by(Thread.group_id)
        .subquery()
    )
    groups = db.session.execute(
        select(
            SubGroup.id,
            SubGroup.name,
            SubGroup.kind,
            SubGroup.start_date,
            SubGroup.end_date,
            func.coalesce(posts.c.count, 0).label("posts"),
        )
        .outerjoin(posts, posts.c.group_id == SubGroup.id)
        .where(in_period)
        .order_by(SubGroup.name)
    ).all()
    # Who had joined by the end of the period: people who joined after it did not take part.
    joined = and_(
        Membership.group_id.in_(ids),
        Membership.state == "active",
        func.coalesce(Membership.joined_at, Membership.created_at) <= period_end,
    )
    members: dict[int, int] = {}
    by_country: list[list[str]] = []
    for tally, key, count in db.session.execute(
        union_all(
            select(literal_column("'group'"), cast(Membership.group_id, String), func.count())
            .where(joined)
            .group_by(Membership.group_id),
            select(literal_column("'country'"), User.country_code, func.count())
            .where(User.id.in_(select(Membership.user_id).where(joined)))
            .group_by(User.country_code),
        )
    ):
        if tally == "group":
            members[int(key)] = count
        else:
            by_country.append([country_name(key) or "No country given", str(count)])
    shown = sorted(groups, key=lambda group: -group.posts)[:REPORT_ROWS]
    listed = (
        f" The {len(shown)} with the most posts in the period are listed."
        if len(shown) < len(groups)
        else ""
    )
    return [
        ReportSection(
            "Sub-groups",
            f"{plural(len(groups), 'sub-group')} active in the period; "
            f"{plural(sum(group.posts for group in groups), 'post')} written.{listed}",
            ["Sub-group", "Kind", "From", "To", "Members", "Posts in the period"],
            [
                [
                    group.name,
                    KINDS.get(group.kind, group.kind),
                    f"{group.start_date:%d %b %Y}",
                    f"{group.end_date:%d %b %Y}",
                    str(members.get(group.id, 0)),
                    str(group.posts),
                ]
                for group in shown
            ],
            order=20,
            more=len(groups) - len(shown),
            more_url=external_url("subgroups.index"),
        ),
        ReportSection(
            "Sub-group membership by country",
            "People in the sub-groups above, counted once per country.",
            ["Country", "Members"],
            sorted(by_country),
            order=21,
        ),
    ]
