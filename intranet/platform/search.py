"""The global search: every enabled plugin answers through `intranet_search`."""

from __future__ import annotations

import re

from flask import Blueprint, Flask, render_template, request
from flask_login import current_user
from markupsafe import Markup, escape

from intranet.access import EVERYONE, roles
from intranet.directory.listing import fold, search_terms
from intranet.platform import plugins
from intranet.values import SearchTotal
from intranet.web import wants_fragment

bp = Blueprint("search", __name__)

RESULTS_PER_SOURCE = 10
WORD = re.compile(r"[^\W_]+")


def highlight(text: str, terms: list[str]) -> Markup:
    """Escape `text`, then mark the words that start with one of `terms`."""
    folded_terms = tuple(fold(term) for term in terms)
    text = text or ""
    parts, done = [], 0
    for word in WORD.finditer(text):
        # Each word folded once (an ASCII word only needs lower case), and the text between
        # two marked words escaped at once: a page of results holds a thousand words.
        found = word.group()
        if (found.lower() if found.isascii() else fold(found)).startswith(folded_terms):
            parts += [escape(text[done : word.start()]), "<mark>", escape(found), "</mark>"]
            done = word.end()
    parts.append(escape(text[done:]))
    return Markup("".join(parts))  # noqa: S704 - every piece of text is escaped above


@bp.get("/search")
@roles(*EVERYONE)
def index() -> str:
    query = request.args.get("q", "").strip()[:200]
    terms = search_terms(query)
    groups: dict[str, list] = {}
    totals: dict[str, SearchTotal] = {}
    if terms:
        user = current_user._get_current_object()
        results = plugins.collect(
            "intranet_search", query=query, user=user, limit=RESULTS_PER_SOURCE
        )
        for result in results:
            groups.setdefault(result.kind, []).append(result)
        if any(len(found) >= RESULTS_PER_SOURCE for found in groups.values()):
            answers = plugins.collect("intranet_search_totals", query=query, user=user)
            totals = {total.kind: total for total in answers if total.kind in groups}
    context = {
        "query": query,
        "terms": terms,
        "groups": groups,
        "totals": totals,
        "full": RESULTS_PER_SOURCE,
        "highlight": highlight,
    }
    if wants_fragment():
        return render_template("search/_results.html", **context)
    return render_template("search/index.html", **context)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
