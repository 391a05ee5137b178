"""Plugin settings an admin changes in the browser.

Each plugin declares its settings with `intranet_settings_schema`; values an admin saves on
/admin/settings live in `setting_value`. A setting's value is, in this order: the saved value,
the deployment's `<PLUGIN>_<KEY>` config entry, the declared default. Values are read with one
query per request and are never stale across workers, since nothing is cached beyond a request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from intranet.access import roles
from intranet.administration.setting_fields import field_for
from intranet.extensions import db
from intranet.forms import Form
from intranet.models import SettingValue, utcnow
from intranet.platform import plugins
from intranet.platform.audit import record
from intranet.web import render_form, wants_fragment

if TYPE_CHECKING:
    from intranet.values import Setting

TYPES = ("str", "text", "int", "bool", "list", "order")

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


# --- reading ---------------------------------------------------------------------------------


def schemas() -> dict[str, list[Setting]]:
    """Every installed plugin's declared settings (enabled or not), by plugin name; asked once
    per request, since every `setting()` that falls back to a default looks here."""
    if "intranet_settings_schemas" not in g:
        installed = plugins.registry().plugins
        answers = plugins.results("intranet_settings_schema", include=installed)
        g.intranet_settings_schemas = {
            name: list(answer) for name, answer in sorted(answers) if answer
        }
    return g.intranet_settings_schemas


def _declared(plugin: str, key: str) -> Setting:
    for item in schemas().get(plugin, []):
        if item.key == key:
            return item
    raise KeyError(f"{plugin} declares no setting {key!r}")


def _stored() -> dict[tuple[str, str], Any]:
    """The saved values: cached per process while the request's site state says they did not
    change (no query), read again as soon as any worker saved one."""
    if "intranet_settings" not in g:
        state = plugins.site_state()
        cache = current_app.extensions.setdefault("intranet_settings_cache", {})
        if state is not None and cache.get("stamp") == state.settings_changed:
            g.intranet_settings = cache["values"]
        else:
            rows = db.session.execute(
                select(SettingValue.plugin, SettingValue.key, SettingValue.value)
            )
            g.intranet_settings = {(plugin, key): value for plugin, key, value in rows}
            if state is not None:
                cache.update(stamp=state.settings_changed, values=g.intranet_settings)
    return g.intranet_settings


def setting(plugin: str, key: str) -> Any:
    """The current value of `plugin`'s setting `key`: saved, else config, else the default."""
    stored = _stored()
    if (plugin, key) in stored:
        return stored[(plugin, key)]
    config_key = f"{plugin}_{key}".upper()
    if config_key in current_app.config:
        return current_app.config[config_key]
    return _declared(plugin, key).default


# --- forms -----------------------------------------------------------------------------------


def settings_form(plugin: str, items: list[Setting], *, submitted: bool = False) -> Form:
    """A form with one field per declared setting: the request's values, or the current ones."""

    class PluginSettingsForm(Form):
        pass

    for item in items:
        setattr(PluginSettingsForm, item.key, field_for(item))
    if submitted:
        return PluginSettingsForm(prefix=plugin)
    current = {item.key: setting(plugin, item.key) for item in items}
    return PluginSettingsForm(prefix=plugin, data=current)


def rearranged(form: Form) -> bool:
    """Whether the admin only moved, removed or added an entry of an ordered list: the form
    comes back rearranged, and nothing is saved until they press Save."""
    return any(getattr(field, "moved", False) for field in form)


def save_settings(plugin: str, values: dict[str, Any]) -> dict[str, Any]:
    """Store `plugin`'s settings that differ from their current values; return what changed.

    The caller validates the values, records the audit event and commits.
    """
    changed = {}
    signed_in = has_request_context() and current_user.is_authenticated
    actor_id = current_user.id if signed_in else None
    for key, new in values.items():
        _declared(plugin, key)
        if new == setting(plugin, key):
            continue
        row = db.session.get(SettingValue, (plugin, key)) or SettingValue(plugin=plugin, key=key)
        row.value = new
        row.changed_at = utcnow()
        row.changed_by_id = actor_id
        db.session.add(row)
        changed[key] = new
    g.pop("intranet_settings", None)
    current_app.extensions.pop("intranet_settings_cache", None)
    return changed


def submitted_values(items: list[Setting], form: Form) -> dict[str, Any]:
    return {
        item.key: list(form[item.key].data or [])
        if item.type in ("list", "order")
        else form[item.key].data
        for item in items
    }


# --- views -----------------------------------------------------------------------------------


def _sections(submitted: tuple[str, Form] | None = None) -> list[dict[str, Any]]:
    """One section per plugin with settings; the submitted one keeps what the admin typed."""
    registry = plugins.registry()
    disabled = plugins.disabled_plugins()
    sections = []
    for name, items in schemas().items():
        info = registry.plugins.get(name)
        form = submitted[1] if submitted and submitted[0] == name else settings_form(name, items)
        sections.append(
            {
                "plugin": name,
                "description": info.description if info else "",
                "enabled": name not in disabled,
                "form": form,
            }
        )
    return sections


@bp.get("/")
@roles("admin")
def index() -> str:
    return render_template("settings/index.html", sections=_sections())


@bp.post("/<plugin>")
@roles("admin")
def update(plugin: str) -> Response | str | tuple[str, int]:
    items = schemas().get(plugin)
    if not items:
        abort(404)
    form = settings_form(plugin, items, submitted=True)
    message = ""
    if rearranged(form):
        message = "Not saved yet: press Save to keep the new order."
    elif form.validate_on_submit():
        changed = save_settings(plugin, submitted_values(items, form))
        if changed:
            record("settings.changed", target=f"plugin:{plugin}", changes=changed)
        db.session.commit()
        message = "Settings saved." if changed else "Nothing changed."
        if not wants_fragment():
            flash(message, "success")
            return redirect(url_for("settings.index", _anchor=f"settings-{plugin}"), 303)
        form = settings_form(plugin, items)
    sections = _sections(submitted=(plugin, form))
    section = next(section for section in sections if section["plugin"] == plugin)
    section["message"], section["pending"] = message, rearranged(form)
    if wants_fragment():
        return render_form("settings/_section.html", form, section=section)
    return render_form("settings/index.html", form, sections=sections)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
