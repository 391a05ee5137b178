"""The polls pages. Each URL answers a full page, or a fragment when htmx asks for one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from intranet.plugin_api import (
    MEMBERS,
    can,
    db,
    record_audit,
    render_form,
    roles,
    wants_fragment,
)
from intranet_polls import rules
from intranet_polls.forms import PollForm, VoteForm
from intranet_polls.models import Poll, Vote

bp = Blueprint("polls", __name__, url_prefix="/polls", template_folder="templates")


def tally(poll: Poll) -> list[tuple[str, int]]:
    """Each choice with its number of votes, in the poll's order."""
    counts = dict(
        db.session.execute(
            select(Vote.choice, func.count()).where(Vote.poll_id == poll.id).group_by(Vote.choice)
        ).all()
    )
    return [(choice, counts.get(choice, 0)) for choice in poll.choices]


@bp.get("/")
@roles(*MEMBERS)
def index() -> str:
    polls = db.session.scalars(select(Poll).order_by(Poll.created_at.desc(), Poll.id.desc()))
    return render_template("polls/index.html", polls=polls.all())


@bp.route("/new", methods=["GET", "POST"])
@roles(*MEMBERS)
def new() -> str | tuple[str, int] | Response:
    form = PollForm()
    if form.validate_on_submit():
        poll = Poll(
            question=form.question.data, options=form.options.data, author_id=current_user.id
        )
        db.session.add(poll)
        db.session.flush()
        record_audit("polls.created", target=f"poll:{poll.id}")
        db.session.commit()
        flash("Poll created.", "success")
        return redirect(url_for("polls.show", poll_id=poll.id), code=303)
    return render_form("polls/new.html", form)


@bp.get("/<int:poll_id>")
@roles(*MEMBERS)
def show(poll_id: int) -> str | tuple[str, int]:
    poll = db.get_or_404(Poll, poll_id)
    return results_page(poll, VoteForm(poll.choices))


@bp.post("/<int:poll_id>/vote")
@roles(*MEMBERS)
def vote(poll_id: int) -> str | tuple[str, int] | Response:
    poll = db.get_or_404(Poll, poll_id)
    form = VoteForm(poll.choices)
    if poll.closed or not form.validate_on_submit():
        return results_page(poll, form, status=409 if poll.closed else None)
    db.session.merge(Vote(poll_id=poll.id, user_id=current_user.id, choice=form.choice.data))
    db.session.commit()
    message = "Your vote is counted."
    if wants_fragment():
        # A fragment never shows flashed messages (only full pages do): say it inside it.
        return results_page(poll, VoteForm(poll.choices), message=message)
    flash(message, "success")
    return redirect(url_for("polls.show", poll_id=poll.id), code=303)


@bp.post("/<int:poll_id>/close")
@roles(*MEMBERS)
def close(poll_id: int) -> Response:
    poll = db.get_or_404(Poll, poll_id)
    if not can(current_user, "polls.close", rules.ref(poll)):
        abort(403)
    poll.closed = True
    record_audit("polls.closed", target=f"poll:{poll.id}")
    db.session.commit()
    flash("Poll closed.", "success")
    return redirect(url_for("polls.show", poll_id=poll.id), code=303)


def results_page(
    poll: Poll, form: VoteForm, status: int | None = None, message: str = ""
) -> str | tuple[str, int]:
    mine = db.session.get(Vote, (poll.id, current_user.id))
    template = "polls/_results.html" if wants_fragment() else "polls/show.html"
    return render_form(
        template,
        form,
        status=status,
        poll=poll,
        tally=tally(poll),
        mine=mine.choice if mine else None,
        may_close=not poll.closed and can(current_user, "polls.close", rules.ref(poll)),
        message=message,
    )
