"""Calendars: a meeting's .ics, and each person's secret personal feed of their meetings."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import urlencode

from flask import Response, abort, flash, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intranet.plugin_api import (
    EVERYONE,
    User,
    db,
    external_url,
    public,
    record_audit,
    roles,
    utcnow,
)

from ..invitations import host, meeting_url
from ..models import FeedToken, Meeting
from ..services import feed_meetings, token_digest
from .blueprint import bp, feed_bp
from .common import meeting_or_404


def ics_response(meetings: Iterable[Meeting], name: str, filename: str) -> Response:
    from ..ics import calendar  # only calendar requests pay for icalendar

    return Response(
        calendar(meetings, host(), name, meeting_url),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@bp.get("/<int:meeting_id>.ics")
@roles(*EVERYONE)
def meeting_ics(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id, selectinload(Meeting.overrides))
    return ics_response([meeting], meeting.title, f"meeting-{meeting.id}.ics")


def subscribe_links(feed_url: str) -> dict[str, str]:
    """Where calendar programs subscribe to the feed: webcal:// opens the computer's own
    calendar program (Apple Calendar, Outlook, Thunderbird); Google and Outlook on the web
    take the address as a parameter."""
    webcal = "webcal://" + feed_url.split("://", 1)[1]
    return {
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal}),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": feed_url, "name": "Task force meetings"}),
        "office": "https://outlook.office.com/calendar/0/addfromweb?"
        + urlencode({"url": feed_url, "name": "Task force meetings"}),
    }


@bp.get("/calendar")
@roles(*EVERYONE)
def feed_settings() -> str:
    has_feed = db.session.get(FeedToken, current_user.id) is not None
    feed_url = session.pop("meetings_feed_url", None)
    in_feed = [m for m in feed_meetings(current_user) if m.last_end_at >= utcnow()]
    return render_template(
        "meetings/feed.html",
        has_feed=has_feed,
        feed_url=feed_url,
        links=subscribe_links(feed_url) if feed_url else {},
        upcoming=in_feed[:5],
        upcoming_count=len(in_feed),
    )


@bp.post("/calendar")
@roles(*EVERYONE)
def regenerate_feed() -> Response:
    """A new secret feed address; the old one stops working at once."""
    token = secrets.token_urlsafe(32)
    feed = db.session.get(FeedToken, current_user.id) or FeedToken(user_id=current_user.id)
    feed.token_hash = token_digest(token)
    feed.created_at = utcnow()
    db.session.add(feed)
    record_audit("meetings.feed_regenerated", target=f"user:{current_user.id}")
    db.session.commit()
    # Shown once, on the next page; only the digest is stored.
    session["meetings_feed_url"] = external_url("meetings_feed.feed", token=token)
    return redirect(url_for("meetings.feed_settings"), code=303)


@bp.post("/calendar/revoke")
@roles(*EVERYONE)
def revoke_feed() -> Response:
    feed = db.session.get(FeedToken, current_user.id)
    if feed is not None:
        db.session.delete(feed)
        db.session.commit()
    flash("Your calendar feed address no longer works.", "success")
    return redirect(url_for("meetings.feed_settings"), code=303)


@feed_bp.get("/calendar/<token>.ics")
@public
def feed(token: str) -> Response:
    user = db.session.scalar(
        select(User)
        .join(FeedToken, FeedToken.user_id == User.id)
        .where(FeedToken.token_hash == token_digest(token))
    )
    if user is None or not user.is_active:
        abort(404)
    return ics_response(feed_meetings(user), f"Meetings of {user.name}", "meetings.ics")
