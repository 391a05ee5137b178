"""Helpers the governance pages share."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from ..rules import may_steer


def require_steer() -> None:
    if not may_steer(current_user):
        abort(403)


def see_other(endpoint: str, **values: Any) -> BaseResponse:
    return redirect(url_for(endpoint, **values), code=303)
