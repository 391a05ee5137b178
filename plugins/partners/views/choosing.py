"""Choosing what a guest is granted: what is chosen, and a search for more.

At scale an inviter may grant a hundred thousand lessons and tens of thousands of meetings, so
the grant forms never list them all: they show what is chosen (ticked, kept each time the form
comes back), a search box and the matches of a search, FOUND_LIMIT of each plugin's at most. A
small site (SHOW_ALL_UP_TO resources or fewer) lists everything instead, so that granting stays
one click. Without JavaScript, "Find" (`resources_search`) sends the whole form and the view
shows it again with the matches instead of saving it; with htmx, typing asks `choose_grants`
for the same part of the form.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from flask_login import current_user

from intranet.plugin_api import MEMBERS, GrantableResource, ResourceRef, picker_query, roles

from .. import rules, service
from .blueprints import bp
from .common import managed_guest, require_inviter

FIELD = "resources"
FOUND_LIMIT = 20
SHOW_ALL_UP_TO = 30
MAX_CHOSEN = 500  # keys a form may send back; more is no form of ours
Choice = tuple[str, str]  # (the checkbox's value, its label)


@dataclass
class GrantPicker:
    """What a grant field shows: `chosen` ticked; `found`, the matches of `query` (None when
    nothing was searched) or, on a small site (`everything`), every other resource."""

    chosen: list[Choice]
    found: list[Choice] | None = None
    query: str = ""
    everything: bool = False
    more: bool = False  # a plugin has more matches than it shows


def choices(
    items: Iterable[GrantableResource], leave_out: Collection[ResourceRef] = ()
) -> list[Choice]:
    return [
        (service.resource_key(item.ref), item.label) for item in items if item.ref not in leave_out
    ]


def _ref(key: str) -> ResourceRef | None:
    kind, _, id_ = key.rpartition(":")
    if not kind or not id_.isdecimal() or len(id_) > 9:
        return None
    return ResourceRef(kind, int(id_))


def resolve(keys: Iterable[str]) -> tuple[list[GrantableResource], list[str]]:
    """The resources the current user may grant among the posted `keys`, asked of their
    plugins by reference (never by listing everything), and the keys refused."""
    wanted = [key for key in dict.fromkeys(keys) if key][:MAX_CHOSEN]
    refs = {ref for key in wanted if (ref := _ref(key)) is not None}
    found = rules.inviter_grantables(current_user, refs=refs) if refs else []
    by_key = {service.resource_key(item.ref): item for item in found}
    return [by_key[key] for key in wanted if key in by_key], [k for k in wanted if k not in by_key]


def chosen_resources(
    field: Any, *, required: bool = True
) -> tuple[list[GrantableResource], list[str]]:
    """The grantable resources ticked in `field`; unknown values are refused, not ignored."""
    chosen, unknown = resolve(field.data or [])
    if unknown:
        field.errors.append(
            "You can only grant access to what you can see yourself; find it again with the "
            "search and tick it."
        )
    elif required and not chosen:
        field.errors.append("Choose at least one thing to give access to.")
    return chosen, unknown


def searching() -> str | None:
    """What was typed in the grant search when "Find" sent the form, else None."""
    return picker_query(FIELD)


def grant_picker(
    keys: Iterable[str], query: str | None = None, granted: Collection[ResourceRef] = ()
) -> GrantPicker:
    """The field for the chosen `keys`: everything else on a small site, else the matches of
    `query`; what the guest holds already (`granted`) is never offered again."""
    chosen = resolve(keys)[0]
    taken = {item.ref for item in chosen} | set(granted)
    sample = rules.inviter_grantables(
        current_user, limit=SHOW_ALL_UP_TO + 1, enough=SHOW_ALL_UP_TO + 1
    )
    if len(sample) <= SHOW_ALL_UP_TO:
        return GrantPicker(choices(chosen), choices(sample, taken), everything=True)
    if not query:
        return GrantPicker(choices(chosen), None if query is None else [], "")
    found = rules.inviter_grantables(current_user, query=query, limit=FOUND_LIMIT)
    per_plugin = Counter(item.ref.kind.partition(".")[0] for item in found)
    more = any(count >= FOUND_LIMIT for count in per_plugin.values())
    return GrantPicker(choices(chosen), choices(found, taken), query, more=more)


@bp.get("/choose")
@roles(*MEMBERS)
def choose_grants() -> str:
    """The chosen resources and the matches of a search, as the fragment a grant form's
    search box swaps in while typing (`guest`: leave out what that guest holds)."""
    require_inviter()
    granted: set[ResourceRef] = set()
    if (guest_id := request.args.get("guest", type=int)) is not None:
        granted = {grant.ref for grant in managed_guest(guest_id).grants}
    query = request.args.get(f"{FIELD}_q", "").strip()[:200]
    picker = grant_picker(request.args.getlist(FIELD), query, granted)
    return render_template("partners/_grant_choices.html", name=FIELD, picker=picker)
