"""The value types that hooks exchange: plain, frozen data, importing nothing from the core.

Hooks return these instead of HTML (docs/plugins.md describes each). Plugins import them from
`intranet.plugin_api`; the core imports them from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class NavItem:
    """A link in the main navigation or the admin menu.

    Admin links also name their `group` on the admin page ("people", "content" or "system")
    and a one-line `description` of what the page is for.
    """

    label: str
    url: str
    order: int = 100
    endpoint_prefix: str = ""
    group: str = ""
    description: str = ""


@dataclass(frozen=True)
class AuditKind:
    """How the audit log tells one kind of event, e.g. "governance.chair_period.changed".

    `label` names the kind in the log's filter ("Chair period changed"); `sentence` tells one
    event, with the placeholders {actor} (who did it), {target} (the object, named and linked
    through `intranet_audit_targets`) and any key of the event's details, e.g.
    "{actor} changed the chair period {target}".
    """

    kind: str
    label: str
    sentence: str


@dataclass(frozen=True)
class AuditTarget:
    """The name and page of an object an audit event refers to (`url` "" when it has none)."""

    name: str
    url: str = ""


@dataclass(frozen=True)
class Banner:
    """A notice under the header of every page: `level` is "info" or "warning"."""

    text: str
    url: str = ""
    link_text: str = ""
    level: str = "info"
    order: int = 100


@dataclass(frozen=True)
class Widget:
    """A dashboard card whose body is loaded lazily from `url` (an htmx fragment)."""

    name: str
    title: str
    url: str
    order: int = 100
    size: str = "normal"


@dataclass(frozen=True)
class ProfileSection:
    """A section on a member's profile page, such as their sub-groups."""

    title: str
    items: list[tuple[str, str]] = field(default_factory=list)
    empty_text: str = "Nothing yet."
    order: int = 100


@dataclass(frozen=True)
class SearchResult:
    """One hit of the global search. `snippet` is plain text; `highlight` terms are marked."""

    kind: str
    title: str
    url: str
    snippet: str = ""
    rank: float = 0.0
    when: datetime | None = None


@dataclass(frozen=True)
class SearchTotal:
    """How many results one kind of a plugin's global search holds, and the page listing them.

    `exact=False` makes `count` a lower bound ("more than 500"): a common word would cost a
    scan to count exactly.
    """

    kind: str
    count: int
    url: str = ""
    exact: bool = True


@dataclass(frozen=True)
class SimilarItem:
    """Existing work similar to something being drafted, to avoid duplication."""

    kind: str
    title: str
    url: str
    score: float
    summary: str = ""


REPORT_ROWS = 20
"""Rows of a list an activity report section shows; the rest are counted in `more`."""


@dataclass(frozen=True)
class ReportSection:
    """A section of the activity report for a period; `rows` is a small table.

    A long list is summarised rather than printed whole: `rows` holds its first rows, `more`
    says how many were left out and `more_url` (a link into the intranet, `external_url`) where
    all of them are listed.
    """

    title: str
    summary: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    order: int = 100
    more: int = 0
    more_url: str = ""


@dataclass(frozen=True)
class ResourceRef:
    """A reference to an object owned by a plugin, e.g. ResourceRef("subgroups.group", 3)."""

    kind: str
    id: int


@dataclass(frozen=True)
class GrantableResource:
    """Something a guest can be granted access to, offered by the plugin that owns it."""

    ref: ResourceRef
    label: str
    url: str = ""


@dataclass(frozen=True)
class Setting:
    """One entry of a plugin's settings schema, changed by admins on /admin/settings.

    `type` is "str", "text", "int", "bool", "list" (a list of strings: ticked from `choices`
    when given, else typed separated by commas) or "order" (an ordered list picked from
    `choices`, moved up and down). `choices` are (value, label) pairs, or a function returning
    them when they come from the database (e.g. the recorded member states). `minimum`/`maximum`
    bound an int and `unit` names what it counts ("days"). `validate` receives the parsed
    value and returns an error message, or None when the value is fine. Read the current value
    with `setting(plugin, key)`.
    """

    key: str
    label: str
    type: str = "str"
    default: Any = None
    help: str = ""
    choices: tuple[tuple[str, str], ...] | Callable[[], Any] = ()
    minimum: int | None = None
    maximum: int | None = None
    validate: Callable[[Any], str | None] | None = None
    unit: str = ""

    def choice_list(self) -> list[tuple[str, str]]:
        """The (value, label) choices, asked now when they are a function."""
        return [
            tuple(pair) for pair in (self.choices() if callable(self.choices) else self.choices)
        ]


@dataclass(frozen=True)
class ScheduledJob:
    """A job that `intranet run-jobs` runs at most once per `every_minutes` window."""

    name: str
    every_minutes: int
    run: Callable[[], Any]


@dataclass(frozen=True)
class Period:
    """An inclusive period of days, e.g. a chairmanship year."""

    start: date
    end: date


@dataclass(frozen=True)
class PersonalDataKind:
    """A kind of personal data a plugin keeps, for the admin's record of processing.

    `category` names it ("Meeting participation"), `description` says what is kept and why,
    `retention` how long it is kept ("Until the account is erased").
    """

    category: str
    description: str
    retention: str


@dataclass
class ScalePeople:
    """Ids of the generated accounts, by role; `members[0]` is the benchmark's own user."""

    members: list[int] = field(default_factory=list)
    guests: list[int] = field(default_factory=list)
    staff: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class MailReplyResult:
    """What became of a reply by mail: `url` of the new post, or `refusal`, a sentence for the
    bounce telling the sender why nothing was posted and what to do instead."""

    url: str = ""
    refusal: str = ""
