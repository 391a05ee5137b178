"""Destructive actions ask first, with and without JavaScript.

A view that deletes, revokes, disables or leaves starts with `asked = confirmation(...)` and
answers with `asked` when it is not None. A POST without `confirm=yes` changes nothing: it gets
a page that asks the question and posts the same fields again with `confirm=yes` (so the
button works without JavaScript). With JavaScript, a button or form carrying `data-confirm`
opens a dialog first (static/js/app.js) and sends `confirm=yes` itself, so the page is skipped.
"""

from __future__ import annotations

from flask import render_template, request

CONFIRMED = "yes"


def confirmation(question: str, *, action: str, back: str, detail: str = "") -> str | None:
    """None when this POST is confirmed; otherwise the page that asks `question`.

    `action` labels the button that goes ahead, `back` is where "Cancel" leads.
    """
    if request.form.get("confirm") == CONFIRMED:
        return None
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in ("csrf_token", "confirm")
    ]
    return render_template(
        "confirm/page.html",
        question=question,
        detail=detail,
        action=action,
        back=back,
        fields=fields,
        target=request.path,
    )
