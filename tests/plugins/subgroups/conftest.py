"""Fixtures for the sub-groups plugin: groups in each state, and a guest-granting plugin."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from intranet.platform import plugins
from intranet.plugin_api import hookimpl, utcnow
from intranet_subgroups.models import Membership, Post, SubGroup, Thread, today


@pytest.fixture
def secretariat(make_user: Any) -> Any:
    return make_user("secretariat", email="sec@example.org", name="Sofia Secretariat")


@pytest.fixture
def make_group(app: Any) -> Any:
    from intranet.plugin_api import db

    def make(
        name: str = "Labour exploitation",
        *,
        mandate: str = "Forced labour in agriculture and construction.",
        status: str = "active",
        policy: str = "open",
        convenor: Any = None,
        members: tuple[Any, ...] = (),
        ended: bool = False,
    ) -> SubGroup:
        start = today() - timedelta(days=100)
        end = today() - timedelta(days=1) if ended else today() + timedelta(days=100)
        group = SubGroup(
            name=name,
            kind="topic",
            mandate=mandate,
            start_date=start,
            end_date=end,
            status=status,
            join_policy=policy,
        )
        if convenor is not None:
            group.memberships.append(
                Membership(user_id=convenor.id, role="convenor", state="active", joined_at=utcnow())
            )
        for user in members:
            group.memberships.append(
                Membership(user_id=user.id, role="member", state="active", joined_at=utcnow())
            )
        db.session.add(group)
        db.session.commit()
        return group

    return make


@pytest.fixture
def make_thread(app: Any) -> Any:
    from intranet.plugin_api import db

    def make(
        group: SubGroup, author: Any, body: str = "First post", title: str = "Hello"
    ) -> Thread:
        thread = Thread(group_id=group.id, title=title, author_id=author.id)
        thread.posts.append(Post(author_id=author.id, body=body))
        db.session.add(thread)
        db.session.commit()
        return thread

    return make


class GrantOneGroup:
    """Stands in for the partners plugin: lets guests (all, or only those in `guests`) into
    the granted groups only, in both the single and the list-shaped permission."""

    def __init__(self) -> None:
        self.granted: set[int] = set()
        self.guests: set[int] | None = None

    def applies(self, user: Any, action: str) -> bool:
        chosen = self.guests is None or user.id in self.guests
        return user.is_guest and chosen and action.startswith("subgroups.")

    @hookimpl
    def intranet_permission(self, user: Any, action: str, resource: Any) -> bool | None:
        if self.applies(user, action) and resource is not None:
            return True if resource.id in self.granted else None
        return None

    @hookimpl
    def intranet_permission_many(
        self, user: Any, action: str, kind: str, ids: list[int]
    ) -> dict[int, bool] | None:
        if not self.applies(user, action) or kind != "subgroups.group":
            return None
        return {id_: True for id_ in ids if id_ in self.granted}

    @hookimpl
    def intranet_permitted(self, user: Any, action: str) -> dict[str, set[int]] | None:
        """Names the grants, as the contract asks of a plugin that grants (guests' lists)."""
        if not self.applies(user, action):
            return None
        return {"subgroups.group": set(self.granted)}


@pytest.fixture
def grants(app: Any) -> Iterator[GrantOneGroup]:
    granter = GrantOneGroup()
    plugins.registry().pm.register(granter, name="test-grants")
    yield granter
    plugins.registry().pm.unregister(name="test-grants")


def sign_in(client: Any, user: Any) -> None:
    """Sign out whoever is signed in, then sign in as `user`."""
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    client.login(user.email)
