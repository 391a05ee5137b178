"""How the core's audit events read, and the names of the core's objects they refer to."""

from __future__ import annotations

from collections import defaultdict

from flask import url_for
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import Country, Organisation, User
from intranet.platform.attachments import Attachment
from intranet.platform.audit import ref_ids
from intranet.platform.outbox import OutgoingMail
from intranet.values import AuditKind, AuditTarget

K = AuditKind

CORE_AUDIT_KINDS = [
    # signing in and the account's security
    K("login", "Signed in", "{actor} signed in"),
    K("login.failed", "Sign-in failed", "A sign-in as {target} failed"),
    K("login.refused", "Sign-in refused", "{actor} was refused sign-in: the account is inactive"),
    K("logout", "Signed out", "{actor} signed out"),
    K("sessions.ended", "Sessions ended", "{actor} {reason}"),
    K("password.reset_requested", "Password reset asked for", "{actor} asked for a reset link"),
    K("password.reset", "Password reset", "{actor} set a new password with a reset link"),
    K("password.changed", "Password changed", "{actor} changed their password"),
    K("two_factor.enabled", "Two-factor turned on", "{actor} turned on two-factor sign-in"),
    K("two_factor.disabled", "Two-factor turned off", "{actor} turned off two-factor sign-in"),
    K(
        "two_factor.recovery_codes_renewed",
        "Recovery codes renewed",
        "{actor} renewed their recovery codes",
    ),
    # accounts
    K("user.created", "Account created", "{actor} created the account of {target} as {role}"),
    K("user.imported", "Accounts imported", "{actor} imported accounts from a file ({count})"),
    K("user.activation_resent", "Activation link sent again", "{actor} sent {target} a new link"),
    K(
        "user.role_changed",
        "Role changed",
        "{actor} changed the role of {target} from {old} to {new}",
    ),
    K("user.activated", "Account reactivated", "{actor} reactivated the account of {target}"),
    K(
        "user.deactivated",
        "Account deactivated",
        "{actor} deactivated the account of {target}: “{reason}”",
    ),
    K(
        "user.delegation_changed",
        "Delegation changed",
        "{actor} changed the delegation of {target}",
    ),
    K("user.delegation_requested", "Delegation asked for", "{actor} asked to join a delegation"),
    K(
        "user.delegation_request_confirmed",
        "Delegation request confirmed",
        "{actor} confirmed the delegation of {target}",
    ),
    K(
        "user.delegation_request_declined",
        "Delegation request declined",
        "{actor} declined the delegation request of {target}",
    ),
    K("user.erased", "Account erased", "{actor} erased the account of {target}"),
    K("profile.updated", "Profile updated", "{actor} updated the profile of {target}"),
    K("profile.photo_changed", "Photo changed", "{actor} changed the profile photo of {target}"),
    K("profile.photo_removed", "Photo removed", "{actor} removed the profile photo of {target}"),
    # reference data, plugins, settings, mail
    K("country.saved", "Country saved", "{actor} saved the country {target}"),
    K("organisation.saved", "Organisation saved", "{actor} saved the organisation {target}"),
    K("plugin.enabled", "Plugin enabled", "{actor} enabled the plugin {target}"),
    K("plugin.disabled", "Plugin disabled", "{actor} disabled the plugin {target}"),
    K("settings.changed", "Settings changed", "{actor} changed the settings of {target}"),
    K("mail.send_again", "Mail sent again", "{actor} queued the mail to {target} again"),
    K("mail.reply_posted", "Reply by mail posted", "{actor} replied by mail to {target}"),
    K("mail.reply_refused", "Reply by mail refused", "A reply by mail was refused: {reason}"),
    K("mail.reply_ignored", "Automatic mail ignored", "An automatic mail to {target} was ignored"),
    K("mail.reply_bounced", "Refusal sent", "A reply by mail from {target} was sent back"),
    K(
        "mail.reply_bounce_suppressed",
        "Refusal held back",
        "A reply by mail from {target} was not sent back, to avoid a loop of mails",
    ),
    # privacy
    K("privacy.notice_published", "Privacy notice published", "{actor} published {target}"),
    K(
        "privacy.notice_acknowledged",
        "Privacy notice acknowledged",
        "{actor} acknowledged the privacy notice",
    ),
    K("privacy.export_requested", "Data copy asked for", "{actor} asked for a copy of their data"),
    K("privacy.export_ready", "Data copy ready", "The copy of the data of {target} is ready"),
    K(
        "privacy.export_files_missing",
        "Data copy lacks files",
        "Some files could not be added to the copy of the data of {target}",
    ),
    K("privacy.export_failed", "Data copy failed", "The copy of the data of {target} failed"),
    K("privacy.export_downloaded", "Data copy downloaded", "{actor} downloaded their data"),
    K("privacy.export_deleted", "Data copy deleted", "The copy of the data of {target} expired"),
    K("erasure.requested", "Erasure asked for", "{actor} asked for their account to be erased"),
    K("erasure.cancelled", "Erasure withdrawn", "{actor} withdrew their request for erasure"),
    K(
        "erasure.declined",
        "Erasure declined",
        "{actor} declined the request for erasure of {target}",
    ),
]


def core_audit_targets(refs: list[str]) -> dict[str, AuditTarget]:
    """People, files, plugins, countries, organisations, mails and notice versions in `refs`."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for ref in refs:
        kind, _, key = ref.partition(":")
        by_kind[kind].append(key)
    found: dict[str, AuditTarget] = {}
    numbers = {kind: ref_ids(refs, kind) for kind in by_kind}
    if numbers.get("user"):
        for user in db.session.scalars(select(User).where(User.id.in_(numbers["user"]))):
            url = url_for("directory.member_profile", member_id=user.id)
            found[f"user:{user.id}"] = AuditTarget(user.name, url)
    if by_kind.get("country"):
        for country in db.session.scalars(
            select(Country).where(Country.code.in_(by_kind["country"]))
        ):
            found[f"country:{country.code}"] = AuditTarget(
                country.name, url_for("reference.countries")
            )
    if numbers.get("organisation"):
        for organisation in db.session.scalars(
            select(Organisation).where(Organisation.id.in_(numbers["organisation"]))
        ):
            found[f"organisation:{organisation.id}"] = AuditTarget(
                organisation.name, url_for("reference.organisations")
            )
    if numbers.get("mail"):
        for mail in db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.id.in_(numbers["mail"]))
        ):
            found[f"mail:{mail.id}"] = AuditTarget(mail.recipient, url_for("mail_queue.index"))
    if numbers.get("attachment"):
        for attachment in db.session.scalars(
            select(Attachment).where(Attachment.id.in_(numbers["attachment"]))
        ):
            found[f"attachment:{attachment.id}"] = AuditTarget(
                f"“{attachment.filename}”", attachment.url
            )
    for name in by_kind.get("plugin", []):
        found[f"plugin:{name}"] = AuditTarget(name.replace("_", " ").capitalize())
    for version in numbers.get("privacy_notice", []):
        found[f"privacy_notice:{version}"] = AuditTarget(
            f"version {version} of the privacy notice",
            url_for("privacy.notice_version", version=version),
        )
    return found
