"""The lazy half of guest expiry, and the viewer-local time filter of the templates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import flash, g, redirect, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from intranet.plugin_api import db, known_zone, notify_event

from .. import expiry, notices, settings
from ..models import Guest
from .blueprints import bp


@bp.app_template_filter("partners_local")
def local_time(moment: datetime | None) -> str:
    """A UTC time in the viewer's time zone, e.g. 2026-03-04 14:05."""
    if moment is None:
        return ""
    if "partners_zone" not in g:  # once per request: a list writes some hundred times
        g.partners_zone = viewer_zone()
    local = moment.astimezone(g.partners_zone) if g.partners_zone else moment
    return local.strftime("%Y-%m-%d %H:%M")


def viewer_zone() -> ZoneInfo | None:
    """The signed-in viewer's time zone (UTC for anyone else); None for a name that is not
    one."""
    zone = "UTC"
    if current_user.is_authenticated and current_user.timezone:
        zone = current_user.timezone
    return known_zone(zone)


@bp.before_app_request
def end_expired_guest_session() -> WerkzeugResponse | None:
    """The lazy half of expiry: a guest past their end date is signed out on their next request.

    Runs whether or not the plugin is enabled, because it only ever takes access away.
    """
    if not current_user.is_authenticated or not current_user.is_guest:
        return None
    guest = db.session.get(Guest, current_user.id)
    if guest is None or guest.access_ends_on >= settings.today():
        return None
    user = current_user._get_current_object()
    if guest.ended_at is None:
        expiry.end_access(guest, reason="signed in after the access end date")
        db.session.commit()
        notify_event("intranet_user_deactivated", user=user)
        notices.announce_access_ended([guest])
    logout_user()
    flash(
        f"Your guest access ended on {guest.access_ends_on}. Ask your sponsor to renew it.", "info"
    )
    return redirect(url_for("auth.login"))
