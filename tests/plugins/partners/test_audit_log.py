"""Invitations in the audit log: sent, accepted and revoked, told with the invited person's
name and organisation instead of codes."""

from __future__ import annotations

import re

from sqlalchemy import select

from intranet.extensions import db
from intranet_partners import service
from intranet_partners.models import Invitation
from tests.conftest import PASSWORD
from tests.plugins.partners.conftest import GUEST_PASSWORD


def log_text(client, **query) -> str:
    page = client.get("/admin/audit", query_string=query).get_data(as_text=True)
    body = page.split('<ol class="audit-events">', 1)[1].split("</ol>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", body))


def test_invitations_sent_accepted_and_revoked_read_as_sentences(
    client, invite, new_client, notes, secretariat, admin
):
    accepted_link = invite([notes[0].id])
    new_client().submit(accepted_link, {"password": GUEST_PASSWORD, "confirm": GUEST_PASSWORD})
    invite([notes[0].id], name="Olaf Observer", email="olaf@osce.example", organisation="OSCE")
    revoked = db.session.scalar(select(Invitation).where(Invitation.email == "olaf@osce.example"))
    service.revoke(revoked, secretariat)
    db.session.commit()

    client.login(admin.email, PASSWORD)
    text = log_text(client)
    assert (
        "Sofia Secretariat (secretariat) sent an invitation to Nora Partner (Baltic NGO Network)"
        in text
    )
    assert (
        "Nora Partner (guest) accepted the invitation of Nora Partner (Baltic NGO Network)" in text
    )
    assert "Sofia Secretariat (secretariat) revoked the invitation of Olaf Observer (OSCE)" in text
    assert "invitation:" not in text and "partners." not in text
    kinds = client.get("/admin/audit").get_data(as_text=True)
    for label in ("Invitation sent", "Invitation accepted", "Invitation revoked"):
        assert f">{label}</option>" in kinds
    only_revoked = log_text(client, kind="partners.invitation.revoked")
    assert "revoked the invitation of Olaf Observer (OSCE)" in only_revoked
    assert "sent an invitation" not in only_revoked
