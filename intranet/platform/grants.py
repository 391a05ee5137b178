"""What an inviter may grant a guest, asked of every plugin a search at a time.

At scale a site offers a hundred thousand lessons and tens of thousands of meetings, so the
hook `intranet_grantable_resources` is asked for the matches of a search (`query`), for exactly
the resources a form sent back (`refs`) or for a few of them (`limit`), never for all of them
on a page. A plugin whose implementation predates these parameters (pluggy passes a hook
implementation only the arguments it declares) still answers with everything: its answer is
narrowed here the same way, so it keeps working, only less quickly.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, and_, true

from intranet.platform.plugins import each_result, registry
from intranet.values import GrantableResource, ResourceRef

HOOK = "intranet_grantable_resources"
MAX_WORDS = 8
MAX_WORD_LENGTH = 50


def query_words(query: str | None) -> list[str]:
    """The words of a search, case-folded, a few of them at most."""
    return [word[:MAX_WORD_LENGTH] for word in (query or "").casefold().split()[:MAX_WORDS]]


def contains_words(column: Any, query: str | None) -> ColumnElement[bool]:
    """A condition on a text column: it contains every word of `query`, in any case (a
    `%` or `_` typed is a character, not a wildcard)."""
    words = query_words(query)
    if not words:
        return true()
    return and_(*(column.icontains(word, autoescape=True) for word in words))


def _declared(plugin_name: str) -> set[str]:
    for impl in getattr(registry().pm.hook, HOOK).get_hookimpls():
        if impl.plugin_name == plugin_name:
            return set(impl.argnames)
    return set()


def grantable_resources(
    user: Any,
    *,
    query: str | None = None,
    refs: Collection[ResourceRef] | None = None,
    limit: int | None = None,
    kinds: Collection[str] | None = None,
    enough: int | None = None,
) -> list[GrantableResource]:
    """The resources `user` may grant a guest, from every enabled plugin, plugin by plugin:
    those whose title has every word of `query`, only those among `refs`, only of `kinds`, at
    most `limit` of each plugin's (None: no such narrowing). With `enough`, the plugins after
    the one that brings the total to `enough` are not asked (is there more than a page?)."""
    wanted = None if refs is None else set(refs)
    if kinds is None and wanted is not None:
        kinds = {ref.kind for ref in wanted}
    kinds = None if kinds is None else set(kinds)
    words = query_words(query)
    found: list[GrantableResource] = []
    for plugin_name, answer in each_result(
        HOOK, user=user, query=query, refs=wanted, limit=limit, kinds=kinds
    ):
        items = list(answer)
        if wanted is not None:
            items = [item for item in items if item.ref in wanted]
        if kinds is not None:
            items = [item for item in items if item.ref.kind in kinds]
        if words and "query" not in _declared(plugin_name):
            items = [item for item in items if all(w in item.label.casefold() for w in words)]
        found.extend(items[:limit] if limit is not None else items)
        if enough is not None and len(found) >= enough:
            break
    return found
