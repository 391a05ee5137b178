"""The plugin manager: discovery through entry points, per-request enabled state, hook calls."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from types import ModuleType
from typing import Any

import pluggy
from flask import Flask, current_app, g, has_app_context
from sqlalchemy import func, select, text

from intranet import hookspecs
from intranet.extensions import db
from intranet.models import PluginState, User, utcnow
from intranet.values import ResourceRef

ENTRY_POINT_GROUP = "intranet.plugins"
log = logging.getLogger(__name__)


@dataclass
class PluginInfo:
    """What the admin page shows about an installed plugin."""

    name: str
    module: ModuleType
    version: str
    description: str
    internal: bool = False
    blueprints: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class InstalledPlugin:
    name: str
    entry_point: metadata.EntryPoint
    version: str
    summary: str


@functools.cache
def installed_plugins() -> tuple[InstalledPlugin, ...]:
    """The entry points of the `intranet.plugins` group, by name, with their distribution's
    version and summary: read once per process (the packages installed do not change while it
    runs, and reading every distribution's metadata took 40 ms of each app's creation)."""
    found = []
    for entry_point in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = entry_point.dist
        found.append(
            InstalledPlugin(
                entry_point.name,
                entry_point,
                dist.version if dist else "",
                dist.metadata.get("Summary", "") if dist else "",
            )
        )
    return tuple(found)


class PluginRegistry:
    """One per process: the pluggy manager, the installed plugins and a cache of their state."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager("intranet")
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self.blueprint_owner: dict[str, str] = {}
        # (version, disabled names), replaced in one assignment so that threads of a gthread
        # worker never see a version paired with another version's names.
        self._state: tuple[int | None, frozenset[str]] = (None, frozenset())

    def register(
        self,
        name: str,
        module: ModuleType,
        *,
        internal: bool = False,
        version: str = "",
        description: str = "",
    ) -> None:
        self.pm.register(module, name=name)
        doc = (module.__doc__ or "").strip().splitlines()
        self.plugins[name] = PluginInfo(
            name=name,
            module=module,
            version=getattr(module, "__version__", "") or version,
            description=description or (doc[0] if doc else ""),
            internal=internal,
        )

    def discover(self, only: Collection[str] | None = None) -> None:
        """Load the plugins declared under the `intranet.plugins` entry-point group: all of
        them, or the names in `only` (an unknown name there is an error, not a silent gap)."""
        installed = installed_plugins()
        if only is not None:
            missing = set(only) - {plugin.name for plugin in installed}
            if missing:
                raise RuntimeError(
                    f"PLUGINS names plugins that are not installed: {sorted(missing)}"
                )
        for plugin in installed:
            if plugin.name in self.plugins or (only is not None and plugin.name not in only):
                continue
            module = plugin.entry_point.load()
            self.register(
                plugin.name,
                module,
                version=plugin.version,
                description="" if module.__doc__ else plugin.summary,
            )

    @property
    def external(self) -> list[PluginInfo]:
        return [info for info in self.plugins.values() if not info.internal]

    def disabled(self) -> frozenset[str]:
        """Names of disabled plugins; one small query, reloaded only when the version moved.

        The same query reads when the settings last changed and the latest privacy notice, so
        that rarely changing data can be cached per process and still never be stale
        (`site_state()`).
        """
        version, settings_changed, notice_id = db.session.execute(SITE_STATE).one()
        version = version or 0
        if has_app_context():
            g.intranet_site_state = SiteState(str(settings_changed or ""), notice_id)
        cached_version, disabled = self._state
        if version != cached_version:
            rows = db.session.execute(select(PluginState.name, PluginState.enabled)).all()
            disabled = frozenset(name for name, enabled in rows if not enabled)
            self._state = (version, disabled)
        return disabled


@dataclass(frozen=True)
class SiteState:
    """Stamps of rarely changing data, read with the plugin state once per request."""

    settings_changed: str
    notice_id: int | None


SITE_STATE = text(
    "SELECT (SELECT max(version) FROM plugin_state),"
    " (SELECT max(changed_at) FROM setting_value),"
    " (SELECT max(id) FROM privacy_notice)"
)


def site_state() -> SiteState | None:
    """This request's stamps (None outside a request that checked the plugin state)."""
    if "intranet_disabled" not in g:
        disabled_plugins()
    return g.get("intranet_site_state")


def registry() -> PluginRegistry:
    return current_app.extensions["intranet_plugins"]


def disabled_plugins() -> frozenset[str]:
    if "intranet_disabled" not in g:
        g.intranet_disabled = registry().disabled()
    return g.intranet_disabled


def is_enabled(name: str) -> bool:
    return name in registry().plugins and name not in disabled_plugins()


def results(hook_name: str, *, include: Iterable[str] = (), **kwargs: Any) -> list[tuple[str, Any]]:
    """Call `hook_name` on every enabled plugin (plus `include`), each in isolation.

    Returns (plugin name, answer) pairs, skipping None. A plugin that raises is logged and left
    out, so one broken plugin never breaks a page or an action.
    """
    return list(each_result(hook_name, include=include, **kwargs))


def each_result(
    hook_name: str, *, include: Iterable[str] = (), **kwargs: Any
) -> Iterator[tuple[str, Any]]:
    """`results()` one plugin at a time: a caller that has heard enough stops asking."""
    skip = disabled_plugins() - set(include)
    caller = getattr(registry().pm.hook, hook_name)
    for impl in reversed(caller.get_hookimpls()):
        if impl.plugin_name in skip:
            continue
        try:
            value = impl.function(*[kwargs[arg] for arg in impl.argnames])
        except Exception:
            log.exception("plugin %s failed in %s", impl.plugin_name, hook_name)
            continue
        if value is not None:
            yield impl.plugin_name, value


def collect(hook_name: str, **kwargs: Any) -> list[Any]:
    """Flatten the list answers of every enabled plugin, sorted by `order` when items have one.

    Any other answer (a dict, a single value) is one item, so a hook returning dicts gives one
    dict per plugin; `results()` tells which plugin gave which.
    """
    items = [
        item
        for _, answer in results(hook_name, **kwargs)
        for item in (answer if isinstance(answer, list | tuple) else [answer])
    ]
    return sorted(items, key=lambda item: getattr(item, "order", 100))


def similar_work(text: str, user: User, limit: int = 5) -> list[Any]:
    """Existing work similar to a draft, from every enabled plugin, best match first."""
    if not text.strip():
        return []
    items = [
        item
        for _, answer in results("intranet_similar_work", text=text, user=user, limit=limit)
        for item in answer
    ]
    return sorted(items, key=lambda item: item.score, reverse=True)[:limit]


def enabled_hook(hook_name: str) -> Any:
    """`hook_name` on the enabled plugins only, called directly: an error propagates (demo
    and scale data, where a half-built data set must stop the command)."""
    registry_ = registry()
    disabled = [
        registry_.plugins[name].module for name in disabled_plugins() if name in registry_.plugins
    ]
    return registry_.pm.subset_hook_caller(hook_name, remove_plugins=disabled)


def notify_event(hook_name: str, *, include: Iterable[str] = (), **kwargs: Any) -> None:
    """Deliver an event to every enabled plugin; failures are logged, never raised."""
    results(hook_name, include=include, **kwargs)


def can(
    user: User | None,
    action: str,
    resource: ResourceRef | None = None,
    roles: Iterable[str] = ("member", "secretariat", "admin"),
) -> bool:
    """The veto rule: any False denies, else any True allows, else guests no, others `roles`.

    For an object, the votes of `intranet_permission` and of its list-shaped form
    `intranet_permission_many` both count, so `can()` and `can_many()` give the same answer.
    """
    if user is None or not user.is_authenticated:
        return False
    votes = [
        vote
        for _, vote in results("intranet_permission", user=user, action=action, resource=resource)
    ]
    if resource is not None and resource.id is not None:
        votes.extend(_many_votes(user, action, resource.kind, [resource.id]).get(resource.id, []))
    return _verdict(user, votes, roles)


def can_many(
    user: User | None,
    action: str,
    kind: str,
    ids: Iterable[int],
    roles: Iterable[str] = ("member", "secretariat", "admin"),
) -> set[int]:
    """The ids among `ids` of objects of `kind` on which `user` may perform `action`.

    The list-shaped form of `can()`, with one hook call for all ids: list pages and other
    plugins use it instead of a loop of `can()` calls.
    """
    wanted = list(dict.fromkeys(ids))
    if user is None or not user.is_authenticated or not wanted:
        return set()
    votes = _many_votes(user, action, kind, wanted)
    if _verdict(user, [], roles):  # allowed unless vetoed: only the vetoes need reading
        return {id_ for id_ in wanted if False not in votes.get(id_, ())}
    # refused unless allowed (guests): only the ids with a vote can be in, however many asked
    return {id_ for id_, cast in votes.items() if True in cast and False not in cast} & set(wanted)


def permitted_refs(user: User | None, action: str) -> set[ResourceRef]:
    """The objects the plugins name (`intranet_permitted`) as open to `user` for `action`
    beyond their role: the few to offer someone outside the roles that may do it. Each is a
    yes, not a verdict: ask `can()` or `can_many()` for it, so that a veto still counts."""
    if user is None or not user.is_authenticated:
        return set()
    return {
        ResourceRef(kind, id_)
        for _, answer in results("intranet_permitted", user=user, action=action)
        for kind, ids in answer.items()
        for id_ in ids
    }


def _many_votes(user: User, action: str, kind: str, ids: list[int]) -> dict[int, list[bool]]:
    votes: dict[int, list[bool]] = {}
    for _, answer in results(
        "intranet_permission_many", user=user, action=action, kind=kind, ids=ids
    ):
        for id_, vote in (answer or {}).items():
            if vote is not None:
                votes.setdefault(id_, []).append(bool(vote))
    return votes


def _verdict(user: User, votes: list[bool | None], roles: Iterable[str]) -> bool:
    if False in votes:
        return False
    if True in votes:
        return True
    return not user.is_guest and user.role in roles


def set_enabled(name: str, enabled: bool, actor: User | None = None) -> bool:
    """Enable or disable an installed plugin; returns False when nothing changed."""
    info = registry().plugins.get(name)
    if info is None or info.internal:
        raise KeyError(name)
    state = db.session.get(PluginState, name)
    if state is not None and state.enabled == enabled:
        return False
    next_version = (db.session.scalar(select(func.max(PluginState.version))) or 0) + 1
    if state is None:
        state = PluginState(name=name)
        db.session.add(state)
    state.enabled = enabled
    state.version = next_version
    state.changed_at = utcnow()
    state.changed_by_id = actor.id if actor is not None else None
    db.session.commit()
    g.pop("intranet_disabled", None)
    event = "intranet_plugin_enabled" if enabled else "intranet_plugin_disabled"
    notify_event(event, include=(name,), name=name)
    return True


def sync_plugin_states() -> None:
    """Give every installed plugin a state row so the admin page lists it.

    On a fresh installation every plugin starts enabled; one installed later (the database
    already has plugin states or accounts) starts disabled and waits for an admin.
    """
    known = set(db.session.scalars(select(PluginState.name)))
    fresh = not known and db.session.scalar(select(User.id).limit(1)) is None
    # A new version number, so that running workers notice a plugin that starts disabled.
    version = 0 if fresh else (db.session.scalar(select(func.max(PluginState.version))) or 0) + 1
    for info in registry().external:
        if info.name not in known:
            db.session.add(PluginState(name=info.name, enabled=fresh, version=version))
    db.session.commit()


def selected_plugins(app: Flask) -> list[str] | None:
    """The PLUGINS setting (or INTRANET_PLUGINS, comma-separated): the entry-point names to
    load; None, the default, loads every installed plugin."""
    names = app.config.get("PLUGINS")
    if names is None and "INTRANET_PLUGINS" in os.environ:
        names = [name.strip() for name in os.environ["INTRANET_PLUGINS"].split(",") if name.strip()]
    return None if names is None else list(names)


def init_app(app: Flask, internal: Iterable[tuple[str, ModuleType]]) -> PluginRegistry:
    """Create the registry, load internal and installed plugins, register their blueprints."""
    plugin_registry = PluginRegistry()
    for name, module in internal:
        plugin_registry.register(name, module, internal=True)
    plugin_registry.discover(selected_plugins(app))
    app.extensions["intranet_plugins"] = plugin_registry
    for impl in plugin_registry.pm.hook.intranet_blueprints.get_hookimpls():
        for blueprint in impl.function() or []:
            app.register_blueprint(blueprint)
            plugin_registry.blueprint_owner[blueprint.name] = impl.plugin_name
            plugin_registry.plugins[impl.plugin_name].blueprints.append(blueprint.name)
    return plugin_registry


def migration_locations(app: Flask) -> list[str]:
    plugin_registry: PluginRegistry = app.extensions["intranet_plugins"]
    return [path for path in plugin_registry.pm.hook.intranet_migrations() if path]
