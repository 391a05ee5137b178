"""The privacy feature's own hooks: it is the internal plugin "privacy"."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import delete, select, update

from intranet.extensions import db
from intranet.hookspecs import hookimpl
from intranet.models import User
from intranet.privacy import export as privacy_export
from intranet.privacy.export import iso
from intranet.privacy.notice import (
    PRIVACY_EXPORT_HOURS_DEFAULT,
    PrivacyAcknowledgement,
    PrivacyNotice,
)
from intranet.values import NavItem, PersonalDataKind, ScheduledJob


@hookimpl
def intranet_admin_nav_items(user: User) -> list[NavItem]:
    return [
        NavItem(
            "Privacy",
            url_for("privacy.admin"),
            order=85,
            group="system",
            description="The privacy notice, the record of processing and data copies.",
        )
    ]


@hookimpl
def intranet_scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob("privacy.exports", 5, privacy_export.process_exports)]


@hookimpl
def intranet_personal_data(user: User) -> dict[str, Any]:
    acknowledgements = db.session.execute(
        select(PrivacyNotice.version, PrivacyAcknowledgement.acknowledged_at)
        .join(PrivacyNotice, PrivacyNotice.id == PrivacyAcknowledgement.notice_id)
        .where(PrivacyAcknowledgement.user_id == user.id)
        .order_by(PrivacyNotice.version)
    ).all()
    return {
        "notice_acknowledgements": [
            {"version": version, "acknowledged_at": iso(at)} for version, at in acknowledgements
        ],
        "notice_versions_published": list(
            db.session.scalars(
                select(PrivacyNotice.version)
                .where(PrivacyNotice.published_by_id == user.id)
                .order_by(PrivacyNotice.version)
            )
        ),
        "data_exports": [
            {
                "requested_at": iso(export.created_at),
                "status": export.status,
                "downloaded_at": iso(export.downloaded_at),
            }
            for export in privacy_export.exports_of(user, limit=100)
        ],
    }


@hookimpl
def intranet_erase_personal_data(user: User) -> None:
    """Export archives and requests go, with the acknowledgements; notices lose their author."""
    privacy_export.delete_exports_of(user)
    db.session.execute(
        delete(PrivacyAcknowledgement).where(PrivacyAcknowledgement.user_id == user.id)
    )
    db.session.execute(
        update(PrivacyNotice)
        .where(PrivacyNotice.published_by_id == user.id)
        .values(published_by_id=None)
    )


@hookimpl
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    return [
        PersonalDataKind(
            "Privacy notice acknowledgements",
            "Which version of the privacy notice each user acknowledged, and when.",
            "As long as the account exists.",
        ),
        PersonalDataKind(
            "Data export requests",
            "When a user asked for their data and the archive made for them.",
            f"The archive is deleted {PRIVACY_EXPORT_HOURS_DEFAULT} hours after it is ready "
            "(configurable); the request itself as long as the account exists.",
        ),
    ]
