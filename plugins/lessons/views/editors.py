"""The members designated to review lessons besides the secretariat."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    flash,
)
from sqlalchemy import func, select

from intranet.plugin_api import (
    STAFF,
    User,
    db,
    record_audit,
    render_form,
    roles,
)

from ..forms import (
    EditorForm,
)
from ..models import (
    Editor,
)
from . import bp
from .common import see_other


@bp.route("/editors", methods=["GET", "POST"])
@roles(*STAFF)
def editors() -> Any:
    form = EditorForm()
    if form.validate_on_submit():
        user = db.session.scalar(
            select(User).where(func.lower(User.email) == form.email.data.strip().lower())
        )
        if user is None or user.is_guest:
            form.email.errors.append("No member has this email address.")
        else:
            if db.session.get(Editor, user.id) is None:
                db.session.add(Editor(user_id=user.id))
                record_audit("lessons.editor.added", target=f"user:{user.id}")
                db.session.commit()
            flash(f"{user.name} may now review lessons.", "success")
            return see_other("lessons.editors")
    current = db.session.scalars(select(Editor).order_by(Editor.added_at)).all()
    return render_form("lessons/editors.html", form, editors=current)


@bp.post("/editors/<int:user_id>/remove")
@roles(*STAFF)
def remove_editor(user_id: int) -> Response:
    editor = db.get_or_404(Editor, user_id)
    db.session.delete(editor)
    record_audit("lessons.editor.removed", target=f"user:{user_id}")
    db.session.commit()
    return see_other("lessons.editors")
