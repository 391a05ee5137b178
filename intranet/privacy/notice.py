"""Privacy: the notice and its acknowledgements, "Download my data", who sees which profile
field, and the administrators' record of processing.

The module is also an internal plugin ("privacy") on the same hooks as every other plugin: it
declares its own kinds of personal data, exports them and runs the export job.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.wrappers import Response
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from intranet.access import EVERYONE, STAFF, public, roles
from intranet.accounts.security import is_safe_next
from intranet.accounts.twofactor import ALLOWED_WHILE_ENROLLING
from intranet.directory import counts
from intranet.extensions import db
from intranet.forms import Form
from intranet.models import User, UTCDateTime, utcnow
from intranet.platform import plugins
from intranet.platform.audit import record
from intranet.platform.storage import MissingObject, store
from intranet.privacy import export as privacy_export
from intranet.privacy.export import PrivacyExport
from intranet.values import PersonalDataKind
from intranet.web import render_form, wants_fragment

log = logging.getLogger(__name__)

bp = Blueprint("privacy", __name__)

MAX_NOTICE_LENGTH = 50_000
PRIVACY_EXPORT_HOURS_DEFAULT = 24
ACKNOWLEDGED_KEY = "privacy_acknowledged"
ALLOWED_BEFORE_ACKNOWLEDGING = {
    "privacy.notice",
    "privacy.acknowledge",
    "auth.logout",
    *ALLOWED_WHILE_ENROLLING,
}


class PrivacyNotice(db.Model):
    """One published version of the privacy notice; a new version is a new row."""

    __tablename__ = "privacy_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    body: Mapped[str] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(String(500), default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    published_by: Mapped[User | None] = relationship()


class PrivacyAcknowledgement(db.Model):
    """A user confirmed they have read a version of the notice."""

    __tablename__ = "privacy_acknowledgement"
    __table_args__ = (UniqueConstraint("user_id", "notice_id", name="uq_privacy_acknowledgement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("privacy_notice.id", ondelete="CASCADE"), index=True
    )
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[PrivacyNotice] = relationship()


class NoticeForm(Form):
    body = TextAreaField(
        "Text of the notice",
        validators=[DataRequired(), Length(max=MAX_NOTICE_LENGTH)],
        description="Markdown: headings (##), lists, links. HTML is not kept.",
    )
    changes = StringField(
        "What changed",
        validators=[Length(max=500)],
        description="A line for the people asked to read it again, e.g. “Meeting records”.",
    )


# --- the notice and its acknowledgement ------------------------------------------------------


def current_notice() -> PrivacyNotice | None:
    """The latest published version, looked up once per request."""
    if "privacy_notice" not in g:
        state = plugins.site_state()
        if state is not None and state.notice_id is None:
            g.privacy_notice = None  # none published yet: no query
        else:
            g.privacy_notice = db.session.scalar(
                select(PrivacyNotice).order_by(PrivacyNotice.version.desc()).limit(1)
            )
    return g.privacy_notice


def has_acknowledged(user: User, notice: PrivacyNotice) -> bool:
    if session.get(ACKNOWLEDGED_KEY) == notice.id:
        return True
    found = db.session.scalar(
        select(PrivacyAcknowledgement.id).where(
            PrivacyAcknowledgement.user_id == user.id,
            PrivacyAcknowledgement.notice_id == notice.id,
        )
    )
    if found is not None:
        session[ACKNOWLEDGED_KEY] = notice.id
    return found is not None


def record_acknowledgement(user: User, notice: PrivacyNotice) -> None:
    """Record that `user` read `notice` (once); the caller commits."""
    if not has_acknowledged(user, notice):
        db.session.add(PrivacyAcknowledgement(user_id=user.id, notice_id=notice.id))
        record("privacy.notice_acknowledged", target=f"user:{user.id}", version=notice.version)
    session[ACKNOWLEDGED_KEY] = notice.id


def require_acknowledgement() -> Response | None:
    """After a new version, a signed-in user reads and acknowledges it before anything else."""
    if (
        not current_user.is_authenticated
        or request.endpoint is None
        or request.endpoint in ALLOWED_BEFORE_ACKNOWLEDGING
    ):
        return None
    notice = current_notice()
    if notice is None or has_acknowledged(current_user, notice):
        return None
    if request.method != "GET" or request.headers.get("HX-Request"):
        abort(403)
    return redirect(url_for("privacy.notice", next=request.full_path.rstrip("?")))


@bp.get("/privacy")
@public
def notice() -> str:
    latest = current_notice()
    pending = (
        latest is not None
        and current_user.is_authenticated
        and not has_acknowledged(current_user, latest)
    )
    next_url = request.args.get("next", "")
    return render_template(
        "privacy/notice.html",
        notice=latest,
        body=latest.body if latest else default_notice_text(),
        pending=pending,
        next_url=next_url if is_safe_next(next_url) else "",
    )


@bp.get("/privacy/versions/<int:version>")
@public
def notice_version(version: int) -> str:
    """An earlier (or the current) version, as it was published."""
    published = db.first_or_404(select(PrivacyNotice).where(PrivacyNotice.version == version))
    return render_template(
        "privacy/notice.html", notice=published, body=published.body, pending=False, next_url=""
    )


@bp.post("/privacy/acknowledge")
@roles(*EVERYONE)
def acknowledge() -> Response:
    latest = current_notice()
    if latest is None or request.form.get("notice_id", type=int) != latest.id:
        flash("The privacy notice has changed meanwhile; please read the current version.", "info")
        return redirect(url_for("privacy.notice"), code=303)
    record_acknowledgement(current_user, latest)
    try:
        db.session.commit()
    except IntegrityError:  # the same acknowledgement sent twice at once: recorded already
        db.session.rollback()
    flash("Thank you. Your acknowledgement is recorded.", "success")
    next_url = request.form.get("next", "")
    return redirect(next_url if is_safe_next(next_url) else url_for("views.dashboard"), code=303)


def default_notice_text() -> str:
    """What /privacy says before an administrator publishes the first version."""
    return render_template("privacy/default_notice.md")


@bp.route("/admin/privacy/notice", methods=["GET", "POST"])
@roles("admin")
def edit_notice() -> str | tuple[str, int] | Response:
    latest = current_notice()
    form = NoticeForm()
    if request.method == "GET":
        form.body.data = latest.body if latest else default_notice_text()
    if form.validate_on_submit():
        version = (db.session.scalar(select(func.max(PrivacyNotice.version))) or 0) + 1
        published = PrivacyNotice(
            version=version,
            body=form.body.data,
            changes=(form.changes.data or "").strip(),
            published_by_id=current_user.id,
        )
        db.session.add(published)
        db.session.flush()
        record("privacy.notice_published", target=f"privacy_notice:{version}")
        g.privacy_notice = published
        record_acknowledgement(current_user, published)
        db.session.commit()
        flash(
            f"Version {version} of the privacy notice is published. Everyone is asked to "
            "acknowledge it at their next visit.",
            "success",
        )
        return redirect(url_for("privacy.admin"), code=303)
    return render_form("privacy/edit_notice.html", form, latest=latest)


# --- download my data ------------------------------------------------------------------------


def _own_export(export_id: int) -> PrivacyExport:
    export = db.session.get(PrivacyExport, export_id)
    if export is None or export.user_id != current_user.id:
        abort(404)
    return export


@bp.get("/privacy/export")
@roles(*EVERYONE)
def my_data() -> str:
    return render_template("privacy/my_data.html", exports=privacy_export.exports_of(current_user))


@bp.post("/privacy/export")
@roles(*EVERYONE)
def request_export() -> Response:
    export = privacy_export.request_export(current_user._get_current_object())
    return redirect(url_for("privacy.export_status", export_id=export.id), code=303)


@bp.get("/privacy/exports/<int:export_id>")
@roles(*EVERYONE)
def export_status(export_id: int) -> str:
    export = _own_export(export_id)
    template = "privacy/_export.html" if wants_fragment() else "privacy/export.html"
    return render_template(template, export=export)


@bp.get("/privacy/exports/<int:export_id>/file")
@roles(*EVERYONE)
def download_export(export_id: int) -> Response:
    export = _own_export(export_id)
    if not export.downloadable or not export.storage_path:
        abort(404)
    try:
        stream = store().open(privacy_export.storage_key(export.storage_path))
    except MissingObject as missing:
        log.error("personal data export %s: %s", export.id, missing)
        abort(404)
    export.downloaded_at = utcnow()
    record("privacy.export_downloaded", target=f"user:{current_user.id}", export=export.id)
    db.session.commit()
    response = send_file(
        stream,
        mimetype="application/zip",
        as_attachment=True,
        download_name=export.filename,
        max_age=0,
    )
    response.content_length = export.size
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the administrators' record of processing ------------------------------------------------


@dataclass
class ProcessingRecord:
    name: str
    state: str
    kinds: list[PersonalDataKind]
    exports: bool
    erases: bool


def processing_records() -> list[ProcessingRecord]:
    """Per core part and installed plugin (enabled or not): what personal data it keeps."""
    registry = plugins.registry()
    everyone = registry.plugins
    kinds = dict(plugins.results("intranet_personal_data_kinds", include=everyone))
    hook = registry.pm.hook
    exporters = {impl.plugin_name for impl in hook.intranet_personal_data.get_hookimpls()}
    erasers = {impl.plugin_name for impl in hook.intranet_erase_personal_data.get_hookimpls()}
    disabled = plugins.disabled_plugins()
    records = [
        ProcessingRecord(
            name=name,
            state="core" if info.internal else ("disabled" if name in disabled else "enabled"),
            kinds=list(kinds.get(name, [])),
            exports=name in exporters,
            erases=name in erasers,
        )
        for name, info in everyone.items()
    ]
    return [item for item in records if item.kinds or item.exports or item.erases]


@bp.get("/admin/privacy")
@roles(*STAFF)
def admin() -> str:
    notices = db.session.execute(
        select(PrivacyNotice, func.count(PrivacyAcknowledgement.id))
        .outerjoin(PrivacyAcknowledgement, PrivacyAcknowledgement.notice_id == PrivacyNotice.id)
        .group_by(PrivacyNotice.id)
        .order_by(PrivacyNotice.version.desc())
    ).all()
    active_users = counts.active_accounts()
    return render_template(
        "privacy/admin.html",
        records=processing_records(),
        notices=notices,
        active_users=active_users,
    )


def init_app(app: Flask) -> None:
    env = os.environ
    app.config.setdefault(
        "PRIVACY_EXPORT_HOURS",
        int(env.get("INTRANET_PRIVACY_EXPORT_HOURS", PRIVACY_EXPORT_HOURS_DEFAULT)),
    )
    app.config.setdefault("PRIVACY_EXPORT_IN_BACKGROUND", True)
    app.register_blueprint(bp)
    app.before_request(require_acknowledgement)
