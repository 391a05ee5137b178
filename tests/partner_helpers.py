"""A partner guest made directly in the database, granted what a test needs, as the partners
plugin's invitation would leave it (grants announced to the plugins that own the resources)."""

from __future__ import annotations

from datetime import timedelta

from intranet.extensions import db
from intranet.models import User
from intranet.plugin_api import GrantableResource, ResourceRef
from intranet_partners import service
from intranet_partners.models import Guest


def make_guest(
    name: str,
    sponsor: User,
    resources: list[ResourceRef | GrantableResource],
    days_left: int = 90,
) -> User:
    """A guest of `sponsor` (whose password it shares) granted `resources` until `days_left`
    days from today; its address is its first name at partner.example."""
    user = User(
        email=f"{name.split()[0].lower()}@partner.example",
        name=name,
        role="guest",
        password_hash=sponsor.password_hash,
    )
    db.session.add(user)
    db.session.flush()
    db.session.add(
        Guest(
            user_id=user.id,
            organisation="Partner organisation",
            organisation_kind="ngo",
            sponsor_id=sponsor.id,
            access_ends_on=service.today() + timedelta(days=days_left),
        )
    )
    granted = [
        item if isinstance(item, GrantableResource) else GrantableResource(item, "", "/")
        for item in resources
    ]
    service.add_grants(user, granted, granted_by_id=sponsor.id)
    db.session.commit()
    service.announce_grants(user)
    db.session.commit()
    return user
