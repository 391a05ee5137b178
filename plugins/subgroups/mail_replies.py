"""A reply by mail to a discussion notification becomes a post, as if typed in the browser."""

from __future__ import annotations

from io import BytesIO

from werkzeug.datastructures import FileStorage

from intranet.plugin_api import (
    Attachment,
    AttachmentError,
    MailAttachment,
    MailReplyResult,
    User,
    can,
    db,
    delete_attachment,
    refuse_reply_text,
    save_upload,
    utcnow,
)

from . import notices, rules
from .models import Post, Thread

KIND = "subgroups.thread"
MAX_LENGTH = 20000  # as PostForm
OWNER = "subgroups"


def store(files: list[MailAttachment], thread: Thread, user: User) -> list[Attachment]:
    """The mail's files as documents of the thread's group, checked as an upload is; all or
    none (AttachmentError names the file refused)."""
    stored: list[Attachment] = []
    try:
        for file in files:
            upload = FileStorage(BytesIO(file.data), filename=file.filename)
            try:
                stored.append(
                    save_upload(upload, OWNER, rules.ref(thread.group).kind, thread.group_id, user)
                )
            except AttachmentError as error:
                raise AttachmentError(f"{file.filename}: {error}") from None
    except AttachmentError:
        for attachment in stored:
            delete_attachment(attachment)
        db.session.commit()
        raise
    return stored


def post_by_mail(
    target: str, user: User, text: str, attachments: list[MailAttachment] = ()
) -> MailReplyResult | None:
    """Post `text` in the thread `target` names, with the browser's checks and notices;
    the mail's files become group documents linked from the post."""
    kind, _, number = target.partition(":")
    if kind != KIND:
        return None
    thread = db.session.get(Thread, int(number)) if number.isdigit() else None
    if thread is None or not can(user, rules.VIEW, rules.ref(thread.group)):
        return MailReplyResult(refusal="The discussion you answered no longer exists.")
    group = thread.group
    if not rules.may_post(user, group):
        if not group.is_writable:
            return MailReplyResult(refusal=f"The sub-group {group.name} is read-only now.")
        return MailReplyResult(
            refusal=f"You can no longer post in {group.name}; ask its convenor to add you again."
        )
    body = text.strip()
    refusal = refuse_reply_text(body, MAX_LENGTH)
    if refusal is not None:
        return refusal
    try:
        files = store(list(attachments), thread, user)
    except AttachmentError as error:
        return MailReplyResult(refusal=f"Nothing was posted. {error}")
    if files:
        links = "\n".join(f"- [{file.filename}]({file.url})" for file in files)
        body = f"{body}\n\n{links}"
    post = Post(thread_id=thread.id, author_id=user.id, body=body)
    db.session.add(post)
    thread.last_post_at = utcnow()
    db.session.commit()
    notices.reply(post, user)
    return MailReplyResult(url=f"{notices.thread_path(thread)}#post-{post.id}")
