"""Sub-groups: temporary working groups with a mandate, members and a discussion board."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, url_for
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from intranet.plugin_api import (
    GrantableResource,
    NavItem,
    PersonalDataKind,
    ProfileSection,
    ReportSection,
    ResourceRef,
    ScalePeople,
    ScheduledJob,
    SearchResult,
    Setting,
    SimilarItem,
    User,
    Widget,
    anonymise_text,
    db,
    hookimpl,
    setting,
    utcnow,
)
from plugins.subgroups import notices, rules, search, similar
from plugins.subgroups.demo import create_demo_groups
from plugins.subgroups.models import (
    Activity,
    Extension,
    Membership,
    Post,
    SubGroup,
    Thread,
    log_activity,
    today,
)
from plugins.subgroups.scale import create_scale_groups
from plugins.subgroups.views import bp

KIND = "subgroups.group"


@hookimpl
def intranet_blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def intranet_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def intranet_nav_items(user: User) -> list[NavItem]:
    return [
        NavItem("Sub-groups", url_for("subgroups.index"), order=20, endpoint_prefix="subgroups.")
    ]


@hookimpl
def intranet_dashboard_widgets(user: User) -> list[Widget]:
    return [Widget("subgroups", "My sub-groups", url_for("subgroups.my_groups"), order=20)]


@hookimpl
def intranet_settings_schema() -> list[Setting]:
    return [
        Setting(
            "edit_window_minutes",
            "Minutes during which a post can be edited",
            "int",
            rules.EDIT_WINDOW_MINUTES,
            "After this, authors can still delete their post but no longer change it.",
            minimum=0,
            maximum=7 * 24 * 60,
        ),
        Setting(
            "convenors_may_invite",
            "Convenors may invite partners to their group",
            "bool",
            True,
            "Lets the convenors of a sub-group invite guests to that group (with the partners "
            "plugin), besides the roles the partners settings name.",
        ),
    ]


def summary(text: str, length: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@hookimpl
def intranet_similar_work(text: str, user: User, limit: int) -> list[SimilarItem]:
    if user.is_guest:
        return []
    draft = similar.vector(text)
    groups = db.session.scalars(select(SubGroup).where(SubGroup.status != "rejected")).all()
    scored = []
    for group in groups:
        score = similar.similarity(draft, similar.vector(group.name, group.mandate))
        if score > 0:
            scored.append((score, group))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [
        SimilarItem(
            f"Sub-group ({group.status_label.lower()})",
            group.name,
            url_for("subgroups.show", group_id=group.id),
            score,
            summary(group.mandate),
        )
        for score, group in scored[:limit]
    ]


@hookimpl
def intranet_search(query: str, user: User, limit: int) -> list[SearchResult]:
    hits = search.matching_groups(query, limit * 2)
    if hits is None:
        return []
    rows = db.session.execute(
        select(SubGroup, hits.c.rank).join(hits, hits.c.id == SubGroup.id).order_by(SubGroup.id)
    ).all()
    ranks = {group.id: round(rank, 3) for group, rank in rows}
    visible = [group for group, _ in rows if group.status != "rejected" or user.is_staff]
    if user.is_guest:
        visible = [group for group in visible if rules.may_view(user, group)]
    visible.sort(key=lambda group: -ranks[group.id])
    return [
        SearchResult(
            f"Sub-group ({group.status_label.lower()})",
            group.name,
            url_for("subgroups.show", group_id=group.id),
            summary(group.mandate),
            ranks[group.id],
            group.created_at,
        )
        for group in visible[:limit]
    ]


@hookimpl
def intranet_profile_sections(member: User, viewer: User) -> list[ProfileSection]:
    groups = db.session.scalars(
        select(SubGroup)
        .join(Membership, Membership.group_id == SubGroup.id)
        .where(
            Membership.user_id == member.id,
            Membership.state == "active",
            SubGroup.status.in_(("active", "archived")),
        )
        .order_by(SubGroup.end_date.desc())
    ).all()
    if viewer.is_guest:
        groups = [group for group in groups if rules.may_view(viewer, group)]
    items = [
        (
            group.name + (" (archived)" if group.current_status == "archived" else ""),
            url_for("subgroups.show", group_id=group.id),
        )
        for group in groups
    ]
    return [ProfileSection("Sub-groups", items, "Not in any sub-group.", order=20)]


@hookimpl
def intranet_report_sections(start: date, end: date, user: User) -> list[ReportSection]:
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
    members = dict(
        db.session.execute(
            select(Membership.group_id, func.count(Membership.id))
            .where(Membership.group_id.in_(ids), Membership.state == "active")
            .group_by(Membership.group_id)
        ).all()
    )
    by_country = db.session.execute(
        select(User.country_code, func.count(func.distinct(User.id)))
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id.in_(ids), Membership.state == "active")
        .group_by(User.country_code)
    ).all()
    total_posts = sum(posts.values())
    return [
        ReportSection(
            "Sub-groups",
            f"{len(groups)} sub-group(s) active in the period; {total_posts} post(s) written.",
            ["Sub-group", "Kind", "From", "To", "Members", "Posts in the period"],
            [
                [
                    group.name,
                    group.kind_label,
                    group.start_date.isoformat(),
                    group.end_date.isoformat(),
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
            sorted([country or "—", str(count)] for country, count in by_country),
            order=21,
        ),
    ]


@hookimpl
def intranet_grantable_resources(user: User) -> list[GrantableResource]:
    if user.is_guest:
        return []
    groups = db.session.scalars(
        select(SubGroup).where(rules.currently_active()).order_by(SubGroup.name)
    ).all()
    return [
        GrantableResource(
            ResourceRef(KIND, group.id),
            f"Sub-group: {group.name}",
            url_for("subgroups.show", group_id=group.id),
        )
        for group in groups
    ]


@hookimpl
def intranet_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """A group's documents are for whoever may see the group; its convenors may invite partners
    to it (when the setting allows); other actions: no vote."""
    if action == "partners.invite":
        if resource is None or resource.kind != KIND or user.is_guest:
            return None
        if not setting("subgroups", "convenors_may_invite"):
            return None
        return True if resource.id in rules.convened_group_ids(user) else None
    if action != "subgroups.view_attachment":
        return None
    if resource is None or resource.kind != KIND:
        return False
    group = db.session.get(SubGroup, resource.id)
    return group is not None and rules.may_view(user, group)


@hookimpl
def intranet_resource_members(resource: ResourceRef) -> list[User] | None:
    """A sub-group's people: its active members of every role, with active accounts."""
    if resource.kind != KIND:
        return None
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.group_id == resource.id,
                Membership.state == "active",
                User.is_active_account.is_(True),
            )
            .order_by(User.name)
        )
    )


@hookimpl
def intranet_guest_grants_changed(guest: User, granted: list[ResourceRef]) -> None:
    """Granted guests appear as invited participants; revoked ones leave the member list."""
    group_ids = {ref.id for ref in granted if ref.kind == KIND}
    current = db.session.scalars(select(Membership).where(Membership.user_id == guest.id)).all()
    for membership in current:
        if membership.group_id not in group_ids:
            db.session.delete(membership)
    for group_id in group_ids - {m.group_id for m in current}:
        db.session.add(
            Membership(
                group_id=group_id,
                user_id=guest.id,
                role="participant",
                state="active",
                joined_at=utcnow(),
            )
        )
    db.session.commit()


def archive_ended_groups() -> int:
    """Archive every active group past its end date; running it twice changes nothing."""
    ended = db.session.scalars(
        select(SubGroup).where(SubGroup.status == "active", SubGroup.end_date < today())
    ).all()
    for group in ended:
        group.status = "archived"
        log_activity(group, None, "archived", f"Archived after its end date ({group.end_date})")
    db.session.commit()
    notices.archived(ended)
    return len(ended)


@hookimpl
def intranet_scheduled_jobs() -> list[ScheduledJob]:
    return [
        ScheduledJob("subgroups.archive_ended", 60, archive_ended_groups),
        ScheduledJob("subgroups.warn_ending", 24 * 60, notices.warn_ending_groups),
    ]


@hookimpl
def intranet_user_deactivated(user: User) -> None:
    """The person leaves every member list; their posts stay, attributed to them."""
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == user.id, Membership.state == "active")
        .options(joinedload(Membership.group))
    ).all()
    for membership in memberships:
        log_activity(membership.group, None, "left", f"{user.name} left (account deactivated)")
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    db.session.commit()


@hookimpl
def intranet_personal_data(user: User) -> dict[str, Any]:
    def stamp(moment: date | datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    memberships = db.session.execute(
        select(
            SubGroup.name,
            Membership.role,
            Membership.state,
            Membership.joined_at,
            Membership.created_at,
            Membership.last_seen_at,
        )
        .join(SubGroup, SubGroup.id == Membership.group_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.id)
    ).all()
    threads = db.session.execute(
        select(SubGroup.name, Thread.title, Thread.created_at)
        .join(SubGroup, SubGroup.id == Thread.group_id)
        .where(Thread.author_id == user.id)
        .order_by(Thread.id)
    ).all()
    posts = db.session.execute(
        select(Thread.title, Post.body, Post.created_at, Post.edited_at, Post.deleted_at)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == user.id)
        .order_by(Post.id)
    ).all()
    groups = db.session.execute(
        select(SubGroup.name, SubGroup.created_by_id, SubGroup.approved_by_id, SubGroup.approved_at)
        .where((SubGroup.created_by_id == user.id) | (SubGroup.approved_by_id == user.id))
        .order_by(SubGroup.id)
    ).all()
    extensions = db.session.execute(
        select(SubGroup.name, Extension.new_end, Extension.reason, Extension.at)
        .join(SubGroup, SubGroup.id == Extension.group_id)
        .where(Extension.by_id == user.id)
    ).all()
    timeline = db.session.execute(
        select(SubGroup.name, Activity.action, Activity.summary, Activity.at)
        .join(SubGroup, SubGroup.id == Activity.group_id)
        .where(Activity.actor_id == user.id)
        .order_by(Activity.id)
    ).all()
    return {
        "memberships": [
            {
                "group": name,
                "role": role,
                "state": state,
                "joined_at": stamp(joined),
                "requested_or_invited_at": stamp(created),
                "last_seen_at": stamp(seen),
            }
            for name, role, state, joined, created, seen in memberships
        ],
        "threads_started": [
            {"group": name, "title": title, "created_at": stamp(created)}
            for name, title, created in threads
        ],
        "posts": [
            {
                "thread": t,
                "body": b,
                "created_at": c.isoformat(),
                "edited_at": stamp(e),
                "deleted": d is not None,
            }
            for t, b, c, e, d in posts
        ],
        "proposed_groups": [name for name, proposer, _, _ in groups if proposer == user.id],
        "approved_groups": [
            {"group": name, "approved_at": stamp(approved)}
            for name, _, approver, approved in groups
            if approver == user.id
        ],
        "extensions": [
            {"group": n, "new_end": e.isoformat(), "reason": r, "at": a.isoformat()}
            for n, e, r, a in extensions
        ],
        "timeline": [
            {"group": name, "action": action, "summary": summary, "at": stamp(at)}
            for name, action, summary, at in timeline
        ],
    }


@hookimpl
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    return [
        PersonalDataKind(
            "Sub-group memberships",
            "Which sub-groups a person belongs to, asked to join or was invited to, their role "
            "and when they last opened the group.",
            "Until they leave the group or the account is deactivated.",
        ),
        PersonalDataKind(
            "Discussion posts",
            "Threads and posts a person wrote on a sub-group's board, with their author.",
            "As long as the group; text and author are removed when the account is erased.",
        ),
        PersonalDataKind(
            "Group timeline",
            "Who proposed, approved, extended, joined or left a group, and when.",
            "As long as the group; the actor is removed when the account is erased.",
        ),
    ]


@hookimpl
def intranet_erase_personal_data(user: User) -> None:
    """Memberships go; posts and threads stay readable, written by the anonymised account;
    the timeline's generated lines lose the name."""
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    anonymise_text(Activity.summary, user)


@hookimpl
def intranet_erasure_blockers(users: list[User]) -> dict[int, list[str]]:
    convened = db.session.execute(
        select(Membership.user_id, SubGroup.name)
        .join(SubGroup, SubGroup.id == Membership.group_id)
        .where(
            Membership.user_id.in_([user.id for user in users]),
            Membership.role == "convenor",
            Membership.state == "active",
            SubGroup.status.in_(("proposed", "active")),
        )
        .order_by(SubGroup.name)
    )
    found: dict[int, list[str]] = {}
    for user_id, name in convened:
        found.setdefault(user_id, []).append(
            f"Convenor of the sub-group “{name}”: make another member convenor on the group's page."
        )
    return found


@hookimpl
def intranet_demo_data(users: dict[str, User]) -> None:
    create_demo_groups(users)


@hookimpl
def intranet_scale_data(scale: float, people: ScalePeople) -> None:
    create_scale_groups(scale, people)
