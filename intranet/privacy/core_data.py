"""What the core holds about a person, for "Download my data": the account, the directory
profile, notifications, audit events, logins and uploads (each plugin adds its own through
`intranet_personal_data`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from intranet.extensions import db
from intranet.models import AuditEvent, AuthToken, LoginAttempt, RecoveryCode, User
from intranet.platform.attachments import Attachment
from intranet.platform.notifications import Notification
from intranet.privacy.export import archive_name, iso

LOGIN_ACTIONS = ("login", "login.failed", "login.refused", "logout")


def core_personal_data(user: User) -> dict[str, Any]:
    """The account, the directory profile, notifications, audit events, logins and uploads."""
    organisation = user.organisation
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == user.id,
                AuditEvent.target == f"user:{user.id}",
                AuditEvent.target == user.email,
            )
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()

    def event(item: AuditEvent) -> dict[str, Any]:
        return {
            "at": iso(item.at),
            "action": item.action,
            "target": item.target,
            "by_you": item.actor_id == user.id,
            "ip": item.ip,
            "details": item.details,
        }

    notifications = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()
    uploads = db.session.scalars(
        select(Attachment).where(Attachment.uploaded_by_id == user.id).order_by(Attachment.id)
    ).all()
    return {
        "account": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "active": user.is_active_account,
            "created_at": iso(user.created_at),
            "last_login_at": iso(user.last_login_at),
            "deactivated_at": iso(user.deactivated_at),
            "timezone": user.timezone,
            "notification_preference": user.notification_preference,
            "every_post_by_mail": user.mail_every_post,
            "two_factor_enabled_at": iso(user.totp_enabled_at),
            "unused_recovery_codes": len(
                db.session.scalars(
                    select(RecoveryCode.id).where(
                        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
                    )
                ).all()
            ),
        },
        "directory_profile": {
            "position": user.position,
            "organisation": organisation.name if organisation else None,
            "organisation_kind": organisation.kind_label if organisation else None,
            "country_code": user.country_code,
            "phone": user.phone,
            "phone_visibility": user.phone_visibility,
            "email_visibility": user.email_visibility,
            "expertise": user.expertise,
            "languages": user.languages,
            "bio": user.bio,
            "photo": "photo.jpg in this archive" if user.photo_key else None,
        },
        "notifications": [
            {
                "kind": item.kind,
                "title": item.title,
                "text": item.text,
                "url": item.url,
                "created_at": iso(item.created_at),
                "read_at": iso(item.read_at),
                "emailed_at": iso(item.emailed_at),
            }
            for item in notifications
        ],
        "login_history": [event(item) for item in events if item.action in LOGIN_ACTIONS],
        "audit_events": [event(item) for item in events if item.action not in LOGIN_ACTIONS],
        "failed_login_attempts": [
            {"at": iso(at), "ip": ip}
            for at, ip in db.session.execute(
                select(LoginAttempt.at, LoginAttempt.ip)
                .where(LoginAttempt.email == user.email)
                .order_by(LoginAttempt.at)
            )
        ],
        "links_sent": [
            {
                "purpose": token.purpose,
                "created_at": iso(token.created_at),
                "expires_at": iso(token.expires_at),
                "used_at": iso(token.used_at),
            }
            for token in db.session.scalars(
                select(AuthToken).where(AuthToken.user_id == user.id).order_by(AuthToken.id)
            )
        ],
        "uploaded_files": [
            {
                "file": archive_name(item),
                "name": item.filename,
                "content_type": item.content_type,
                "size": item.size,
                "uploaded_at": iso(item.created_at),
                "attached_to": f"{item.owner}: {item.object_kind} {item.object_id}",
            }
            for item in uploads
        ],
    }
