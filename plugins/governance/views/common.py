"""Helpers the governance pages share."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from intranet.plugin_api import wants_fragment

from .. import documents
from ..rules import may_steer


def require_steer() -> None:
    if not may_steer(current_user):
        abort(403)


def see_other(endpoint: str, **values: Any) -> BaseResponse:
    return redirect(url_for(endpoint, **values), code=303)


def page_or_fragment(fragment: str, title: str, **context: Any) -> str:
    """A widget body for htmx, or the same body in a full page for a plain link."""
    if wants_fragment():
        return render_template(fragment, **context)
    return render_template("dashboard/widget_page.html", body=fragment, title=title, **context)


def document_or_404(document: str) -> str:
    if document not in documents.DOCUMENTS:
        abort(404)
    return documents.DOCUMENTS[document]
