"""A sub-group's discussion board: threads, replies, editing and deleting posts."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from intranet.plugin_api import (
    EVERYONE,
    TooLateToUndo,
    Undone,
    confirmation,
    db,
    offer_undo,
    render_form,
    roles,
    undoable,
    utcnow,
)

from .. import notices, rules
from ..forms import PostForm, ThreadForm
from ..models import Post, Thread, log_activity
from . import bp
from .common import group_url, load_group, posting_refusal, refuse


@bp.route("/<int:group_id>/threads/new", methods=["GET", "POST"])
@roles(*EVERYONE)
def new_thread(group_id: int) -> Any:
    group = load_group(group_id)
    if not rules.may_post(current_user, group):
        return refuse(posting_refusal(group), group_url(group))
    form = ThreadForm()
    if form.validate_on_submit():
        thread = Thread(group_id=group.id, title=form.title.data.strip(), author_id=current_user.id)
        thread.posts.append(Post(author_id=current_user.id, body=form.body.data))
        db.session.add(thread)
        log_activity(group, current_user, "thread", f"{current_user.name} started “{thread.title}”")
        db.session.commit()
        notices.new_thread(thread, current_user)
        return redirect(url_for("subgroups.thread", thread_id=thread.id), code=303)
    return render_form(
        "subgroups/form_page.html",
        form,
        group=group,
        title="Start a discussion",
        submit="Post",
        fields=["title", "body"],
    )


def load_thread(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id)
    if thread is None:
        abort(404)
    load_group(thread.group_id)
    return thread


@bp.get("/threads/<int:thread_id>")
@roles(*EVERYONE)
def thread(thread_id: int) -> Any:
    thread = load_thread(thread_id)
    return render_thread(thread, PostForm())


def render_thread(thread: Thread, form: PostForm) -> Any:
    posts = db.session.scalars(
        select(Post)
        .where(Post.thread_id == thread.id)
        .options(joinedload(Post.author))
        .order_by(Post.id)
    ).all()
    return render_form(
        "subgroups/thread.html",
        form,
        thread=thread,
        group=thread.group,
        posts=posts,
        may_post=rules.may_post(current_user, thread.group),
        editable={p.id for p in posts if rules.may_edit_post(current_user, p)},
        deletable={p.id for p in posts if rules.may_delete_post(current_user, p)},
        window=rules.edit_window_minutes(),
    )


@bp.post("/threads/<int:thread_id>/reply")
@roles(*EVERYONE)
def reply(thread_id: int) -> Any:
    thread = load_thread(thread_id)
    target = url_for("subgroups.thread", thread_id=thread.id)
    if not rules.may_post(current_user, thread.group):
        return refuse(posting_refusal(thread.group), target)
    form = PostForm()
    if not form.validate_on_submit():
        return render_thread(thread, form)
    post = Post(thread_id=thread.id, author_id=current_user.id, body=form.body.data)
    db.session.add(post)
    thread.last_post_at = utcnow()
    db.session.commit()
    notices.reply(post, current_user)
    return redirect(f"{target}#post-{post.id}", code=303)


def load_post(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        abort(404)
    load_thread(post.thread_id)
    return post


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@roles(*EVERYONE)
def edit_post(post_id: int) -> Any:
    post = load_post(post_id)
    target = url_for("subgroups.thread", thread_id=post.thread_id)
    if not rules.may_edit_post(current_user, post):
        return refuse(
            f"A post can be edited only by its author, within {rules.edit_window_minutes()} "
            "minutes, while the sub-group is active.",
            target,
        )
    form = PostForm(obj=post)
    if form.validate_on_submit():
        post.body = form.body.data
        post.edited_at = utcnow()
        db.session.commit()
        return redirect(f"{target}#post-{post.id}", code=303)
    return render_form(
        "subgroups/form_page.html",
        form,
        group=post.thread.group,
        title="Edit your post",
        submit="Save",
        fields=["body"],
    )


@bp.post("/posts/<int:post_id>/delete")
@roles(*EVERYONE)
def delete_post(post_id: int) -> Response | str:
    post = load_post(post_id)
    target = url_for("subgroups.thread", thread_id=post.thread_id)
    if not rules.may_delete_post(current_user, post):
        return refuse("Only the author, a convenor or the secretariat can delete this.", target)
    asked = confirmation(
        f"Delete this post by {post.author.name if post.author else 'a former member'}?",
        action="Delete the post",
        back=target,
        detail="Its text is removed for everyone; the thread shows that a post was deleted.",
    )
    if asked:
        return asked
    offer_undo(POST_DELETED, {"post_id": post.id, "body": post.body}, "The post was deleted.")
    post.body = ""
    post.deleted_at = utcnow()
    post.deleted_by_id = current_user.id
    db.session.commit()
    return redirect(target, code=303)


POST_DELETED = "subgroups.post_deleted"


@undoable(POST_DELETED)
def restore_post(payload: dict[str, Any]) -> Undone:
    post = db.session.get(Post, payload["post_id"])
    if post is None or post.deleted_at is None or not post.thread.group.is_writable:
        raise TooLateToUndo("This post can no longer be restored.")
    post.body = payload["body"]
    post.deleted_at = post.deleted_by_id = None
    target = url_for("subgroups.thread", thread_id=post.thread_id)
    return Undone("The post is back.", f"{target}#post-{post.id}")
