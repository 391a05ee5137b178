"""The partners page writes each invitation's dates in the viewer's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from intranet.extensions import db
from intranet.models import User


def test_invitation_dates_are_in_the_viewers_zone(client, secretariat, invite, notes):
    from intranet_partners.models import Invitation

    invite([notes[0].id])
    db.session.execute(update(Invitation).values(sent_at=datetime(2026, 1, 15, 10, 0, tzinfo=UTC)))
    zones = {"Europe/Riga": "12:00", "America/New_York": "05:00", "Not/A_Zone": "10:00"}
    client.login(secretariat.email)
    for zone, shown in zones.items():
        db.session.execute(update(User).where(User.id == secretariat.id).values(timezone=zone))
        page = client.get("/partners/").get_data(as_text=True)
        assert f"Sent 2026-01-15 {shown}" in page, zone
