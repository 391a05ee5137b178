"""The hook specifications: the whole contract between the core and its plugins.

Every hook is prefixed `intranet_`. An implementation may accept any subset of the arguments
named here, so new arguments never break existing plugins. Hooks that contribute to a page
receive lists and return lists, so no hook is ever called once per row. docs/plugins.md
documents each hook; a test fails when one is missing there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

    import click
    from flask import Blueprint

    from intranet.models import User
    from intranet.platform.mail import MailAttachment
    from intranet.values import (
        AuditKind,
        AuditTarget,
        Banner,
        GrantableResource,
        MailReplyResult,
        NavItem,
        PersonalDataKind,
        ProfileSection,
        ReportSection,
        ResourceRef,
        ScalePeople,
        ScheduledJob,
        SearchResult,
        SearchTotal,
        Setting,
        SimilarItem,
        Widget,
    )

hookspec = pluggy.HookspecMarker("intranet")
hookimpl = pluggy.HookimplMarker("intranet")


@hookspec
def intranet_blueprints() -> list[Blueprint]:
    """Return the plugin's Flask blueprints.

    Called once at start-up. Blueprints are registered whether or not the plugin is enabled;
    requests to a disabled plugin's blueprints answer 404. Name a blueprint after the plugin and
    give it `url_prefix="/<plugin-name>"` unless the plugin owns another path.
    """


@hookspec
def intranet_migrations() -> str | None:
    """Return the folder holding the plugin's Alembic revisions (its `versions` directory).

    Called at start-up to build Alembic's `version_locations`. The plugin's first revision
    carries `branch_labels = ("<plugin-name>",)` and `depends_on` the core branch.
    """


@hookspec
def intranet_nav_items(user: User) -> list[NavItem]:
    """Return the main-navigation links to show to `user` (a logged-in user).

    Called on every full page render. Return only the links the user may follow.
    """


@hookspec
def intranet_admin_nav_items(user: User) -> list[NavItem]:
    """Return links for the admin page (`user` is an admin or secretariat member).

    Give each NavItem a `group` ("people", "content" or "system") and a one-line
    `description`; the admin page /admin/ lists them by group.
    """


@hookspec
def intranet_audit_kinds() -> list[AuditKind]:
    """Return how the audit log tells each kind of event this plugin records.

    Called when the audit log is shown. Every kind passed to `record_audit` needs one; a kind
    nobody describes is shown as a humanised label.
    """


@hookspec
def intranet_audit_targets(refs: list[str]) -> dict[str, AuditTarget]:
    """Return names and links for the audit targets among `refs` that this plugin owns.

    `refs` are the `target` strings of a page of audit events (e.g. "user:3",
    "chair_period:5"), all at once: resolve them in a query per kind, never one per ref. Leave
    out refs you do not own, and those whose object no longer exists.
    """


@hookspec
def intranet_dashboard_widgets(user: User) -> list[Widget]:
    """Return the dashboard cards for `user`.

    Each Widget names a URL that renders the card's body as an htmx fragment (and a full page
    without htmx); the dashboard loads it lazily.
    """


@hookspec
def intranet_profile_sections(member: User, viewer: User) -> list[ProfileSection]:
    """Return sections for `member`'s profile page as seen by `viewer`.

    Called once per profile view. Filter what `viewer` may not see.
    """


@hookspec
def intranet_resource_sections(resource: ResourceRef, viewer: User) -> list[ProfileSection]:
    """Return sections for the page of another plugin's object, as `viewer` sees it.

    Called once per view of such a page, e.g. a sub-group's page passes
    `ResourceRef("subgroups.group", id)` so the meetings plugin can list the group's upcoming
    meetings. Return [] for kinds you know nothing about; leave out what `viewer` may not see.
    """


@hookspec
def intranet_resource_members(resource: ResourceRef) -> list[User] | None:
    """Return the active people who belong to `resource`, if you own that kind of object.

    E.g. the subgroups plugin answers for ResourceRef("subgroups.group", id) with the group's
    members, so the meetings plugin can invite a whole sub-group and the partners plugin can
    show a guest the people it works with. Return None for kinds you do not own.
    """


@hookspec
def intranet_banners(user: User) -> list[Banner]:
    """Return short notices to show under the header of every full page for `user`.

    E.g. the governance plugin announces the current chair's handover or a mandate ending
    soon. Called on every full page: keep it to a query or two.
    """


@hookspec
def intranet_search(query: str, user: User, limit: int) -> list[SearchResult]:
    """Return up to `limit` results for the global search, visible to `user`.

    `query` is the raw text the user typed (never empty); use the database's full-text engine
    and never let its syntax characters cause an error.
    """


@hookspec
def intranet_search_totals(query: str, user: User) -> list[SearchTotal]:
    """Say how many results each kind of this plugin's `intranet_search` holds for `query`
    beyond the `limit` it returned, and which page lists them all.

    Asked only when a kind's results filled the limit. Count what `user` may see, and at most
    a bounded number of rows: above the bound return it with `exact=False` ("more than N").
    """


@hookspec
def intranet_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """Vote on whether `user` may perform `action` (e.g. "subgroups.view") on `resource`.

    Return False to veto, True to allow, None to abstain. Any False denies; otherwise any True
    allows; when every plugin abstains guests are denied and other roles get the default the
    caller of `can()` gives.
    """


@hookspec
def intranet_permission_many(
    user: User, action: str, kind: str, ids: list[int]
) -> dict[int, bool] | None:
    """Vote on `action` for many objects of one `kind` at once: the list-shaped permission.

    `kind` is a `ResourceRef.kind` such as "subgroups.group"; `ids` are the objects' ids.
    Return a dict from id to True (allow) or False (veto) for the ids this plugin has a view
    on, leaving out the ones it abstains on, or None to abstain on all. The same veto rule as
    `intranet_permission` applies per id. The plugin that owns a kind answers for it here, from
    the same rule its own list pages filter with (one query for all ids, never one per id), so
    that `can()` and `can_many()` always agree with what the owner's pages show.
    """


@hookspec
def intranet_permitted(user: User, action: str) -> dict[str, Iterable[int]] | None:
    """Name the objects on which this plugin lets `user` do `action` beyond what their role
    gives, as {kind: ids}, or None to abstain.

    For actions most people may not do at all (inviting partners outside the inviter roles):
    a form then lists the few objects someone may act on from these answers instead of asking
    `can()` about every object of the site. A named object counts as a yes; a plugin's veto
    in `intranet_permission(_many)` still refuses it. A plugin granting guests objects one by
    one names them here as well: a guest's lists are built from these answers.
    """


@hookspec
def intranet_similar_work(text: str, user: User, limit: int) -> list[SimilarItem]:
    """Return existing work similar to `text` (a draft's title and description).

    Called while someone drafts a sub-group, lesson or initiative, so they can join existing
    work instead of duplicating it. Scores are between 0 and 1.
    """


@hookspec
def intranet_report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    """Return sections of the activity report for the inclusive period `start`..`end`."""


@hookspec
def intranet_grantable_resources(
    user: User,
    query: str | None,
    refs: set[ResourceRef] | None,
    limit: int | None,
    kinds: set[str] | None,
) -> list[GrantableResource]:
    """Return the resources a guest can be granted, among those `user` (the inviter) can see.

    Called by `grantable_resources()` (the partners plugin's grant forms, and plugins choosing
    an owner among sub-groups), always with every argument, each None when not asked for:
    `query` is what the inviter typed (answer only the resources whose title has every word of
    it, `contains_words(column, query)` builds the condition), `refs` the `ResourceRef`s a form
    sent back (answer only those among them, to check and re-show what was chosen), `limit`
    how many of yours are wanted at most, `kinds` the kinds of resource wanted (answer nothing
    when none of yours is among them: a form choosing a sub-group asks for that kind alone, so
    the plugins of lessons and meetings need not search theirs). Declare only the arguments
    you use, without defaults (pluggy passes none to a parameter with a default): an
    implementation taking only `user` answers with everything, which the caller narrows.
    """


@hookspec
def intranet_guest_grants_changed(guest: User, granted: list[ResourceRef]) -> None:
    """Event: the set of resources granted to `guest` changed; `granted` is the new full set."""


@hookspec
def intranet_resource_members_changed(
    resource: ResourceRef, added: list[User], removed: list[User]
) -> None:
    """Event: people joined (`added`) or left (`removed`) `resource`, e.g. a sub-group, after
    the change is committed. Called by the plugin that owns the kind, so that others keep what
    they gave its members (the meetings plugin: invitations to the sub-group's meetings)."""


@hookspec
def intranet_settings_schema() -> list[Setting]:
    """Return the plugin's settings, with types and defaults, for the admin settings page."""


@hookspec
def intranet_cli_commands() -> list[click.Command]:
    """Return click commands to add under `flask --app wsgi intranet`. Called at start-up."""


@hookspec
def intranet_scheduled_jobs() -> list[ScheduledJob]:
    """Return the plugin's periodic jobs; `intranet run-jobs` runs each due one exactly once."""


@hookspec
def intranet_personal_data(user: User) -> dict[str, Any]:
    """Return everything the plugin holds about `user` as JSON-serialisable data (export).

    Called in the background when a user downloads their data, on enabled and disabled plugins
    alike (a disabled plugin's data stays, so it belongs in the export). Include what the user
    wrote, what they took part in and what others recorded about them; leave out secrets
    (password hashes, token digests).
    """


@hookspec
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    """Return the kinds of personal data the plugin keeps (category, description, retention).

    Called by the admin's overview of processing (/admin/privacy), on enabled and disabled
    plugins alike, since a disabled plugin's data stays. Declare every kind that
    `intranet_personal_data` exports.
    """


@hookspec
def intranet_erase_personal_data(user: User) -> None:
    """Remove or anonymise the plugin's personal data about `user` (erasure).

    Called on every installed plugin, enabled or not, inside the erasure's transaction and
    before the core anonymises the account (so `user.name` and `user.email` are still the real
    ones): do not commit, and raise if the data cannot be erased, which rolls the erasure back.
    What the task force keeps (posts, lessons, minutes) may stay, attributed to the account,
    which is shown as "Former member" afterwards.
    """


@hookspec
def intranet_erasure_blockers(users: list[User]) -> dict[int, list[str]]:
    """Return the duties each of `users` must hand over before their account can be erased.

    Maps a user id to sentences, each naming a duty and where to hand it over, e.g. "Convenor
    of the sub-group Labour exploitation: make another member convenor." Leave out the users
    with nothing to hand over. Called on enabled plugins when an erasure is requested,
    listed, confirmed, and for the retention preview (with every account due), so answer for
    the whole list in a query or two.
    """


@hookspec
def intranet_demo_data(users: dict[str, User]) -> None:
    """Create the plugin's demo data. `users` maps demo keys (e.g. "secretariat") to users."""


@hookspec
def intranet_scale_data(scale: float, people: ScalePeople) -> None:
    """Add the plugin's share of bulk data for benchmarks: `scale` times its figures at N=1.

    `people` holds the ids of the generated members, guests and staff (`people.members[0]` is
    the benchmark's user: give it some of everything). Insert with `bulk_insert` (Core
    executemany, explicit ids from `next_id`), never one ORM object per row. Called once by
    `flask --app wsgi intranet demo --scale N`, after the demo data.
    """


@hookspec
def intranet_user_created(user: User) -> None:
    """Event: `user` was created. An implementation that raises is logged and skipped."""


@hookspec
def intranet_user_deactivated(user: User) -> None:
    """Event: `user` was deactivated; their sessions have already ended."""


@hookspec
def intranet_plugin_enabled(name: str) -> None:
    """Event: the plugin `name` was enabled (called on every enabled plugin, `name` included)."""


@hookspec
def intranet_plugin_disabled(name: str) -> None:
    """Event: the plugin `name` was disabled (called on the remaining enabled plugins and on
    `name` itself)."""


@hookspec(firstresult=True)
def intranet_mail_reply(
    target: str, user: User, text: str, attachments: list[MailAttachment]
) -> MailReplyResult | None:
    """A reply by mail from `user` to `target` ("subgroups.thread:12"), quotes and signature
    already cut: post `text` with the same checks and notifications as the browser, and store
    `attachments` (the mail's files) through the attachment service with its checks.

    Return None when `target` is not the plugin's kind; otherwise a `MailReplyResult`. The
    first plugin to answer wins. `user`'s address and the reply token are already verified.
    """
