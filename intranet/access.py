"""Who may use a view. Every view declares it; a before-request check enforces it.

Undeclared views are refused (default-deny), and a test walks the URL map to make sure no
endpoint is left undeclared. Object-level checks (may this guest see this sub-group?) stay in
the views, through `intranet.platform.plugins.can`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

MEMBERS = ("member", "secretariat", "admin")
STAFF = ("secretariat", "admin")
EVERYONE = (*MEMBERS, "guest")

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Access:
    anonymous: bool
    roles: frozenset[str]


def public(view: View) -> View:
    """Anyone may use the view, logged in or not."""
    view.access = Access(anonymous=True, roles=frozenset(EVERYONE))  # type: ignore[attr-defined]
    return view


def roles(*allowed: str) -> Callable[[View], View]:
    """Only logged-in users with one of `allowed` roles may use the view."""

    def decorate(view: View) -> View:
        view.access = Access(anonymous=False, roles=frozenset(allowed))  # type: ignore[attr-defined]
        return view

    return decorate


def declared_access(endpoint: str | None) -> Access | None:
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return Access(anonymous=True, roles=frozenset(EVERYONE))
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def enforce_access() -> Any:
    """Before every request: refuse what the view's declaration does not allow."""
    if request.endpoint is None:
        return None  # 404 or 405, answered by Flask
    access = declared_access(request.endpoint)
    if access is None:
        current_app.logger.error("endpoint %s declares no access; refused", request.endpoint)
        abort(403)
    if access.anonymous:
        return None
    if not current_user.is_authenticated:
        if request.method == "GET" and not request.headers.get("HX-Request"):
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401)
    if current_user.role not in access.roles:
        abort(403)
    return None


def init_app(app: Flask) -> None:
    app.before_request(enforce_access)
