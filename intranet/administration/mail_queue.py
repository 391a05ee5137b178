"""Failed and pending mail for admins, with "Send again" (the outbox is `platform.outbox`).

Only addresses, subjects, attempts and errors are shown, never a body: a reset or invitation
mail carries a link that signs its recipient in.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from intranet.access import roles
from intranet.extensions import db
from intranet.platform import outbox
from intranet.platform.audit import record
from intranet.platform.outbox import OutgoingMail
from intranet.web import wants_fragment

PAGE_SIZE = 50
VIEWS = {
    "failed": ("Failed", (outbox.FAILED,)),
    "pending": ("Waiting to be sent", (outbox.QUEUED, outbox.SENDING)),
}

bp = Blueprint("mail_queue", __name__)


def counts() -> dict[str, int]:
    rows = db.session.execute(
        select(OutgoingMail.status, func.count()).group_by(OutgoingMail.status)
    ).all()
    by_status = dict(rows)
    return {key: sum(by_status.get(s, 0) for s in statuses) for key, (_, statuses) in VIEWS.items()}


@bp.get("/admin/mail")
@roles("admin")
def index() -> str:
    view = request.args.get("view", "failed")
    if view not in VIEWS:
        view = "failed"
    page = max(request.args.get("page", 1, type=int), 1)
    query = (
        select(OutgoingMail)
        .where(OutgoingMail.status.in_(VIEWS[view][1]))
        .order_by(OutgoingMail.created_at.desc(), OutgoingMail.id.desc())
    )
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False, count=True)
    return render_template(
        "mail_queue/index.html", pagination=pagination, view=view, views=VIEWS, counts=counts()
    )


@bp.post("/admin/mail/<int:mail_id>/send-again")
@roles("admin")
def send_again(mail_id: int) -> str | Response:
    row = db.get_or_404(OutgoingMail, mail_id)
    if row.status in (outbox.SENDING, outbox.SENT):
        abort(409)
    outbox.send_again(row)
    record("mail.send_again", target=f"mail:{row.id}", recipient=row.recipient)
    db.session.commit()
    message = f"The mail to {row.recipient} is queued again; it goes out within seconds."
    if wants_fragment():
        return render_template("mail_queue/_row.html", mail=row, message=message)
    flash(message, "success")
    return redirect(url_for("mail_queue.index", view=request.args.get("view", "failed")), code=303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
