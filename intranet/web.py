"""The web helpers every view uses: a full page or an htmx fragment, a form page with its status.

One URL serves the full page, or a fragment when htmx asks for one (DESIGN.md, HTMX
conventions); a submitted form with errors answers 422 so that htmx swaps it in.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from flask import Flask, current_app, render_template, request
from jinja2.bccache import Bucket, BytecodeCache


def render_form(
    template: str, form: Any, *, status: int | None = None, **context: Any
) -> str | tuple[str, int]:
    """Render a page with a form; 422 when a submitted form has errors, so htmx swaps it."""
    html = render_template(template, form=form, **context)
    if status is None and request.method == "POST" and form.errors:
        status = 422
    return (html, status) if status else html


def wants_fragment() -> bool:
    """True for htmx requests that want a fragment, not a history restore of the full page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def site_request() -> AbstractContextManager[object]:
    """A request context on INTRANET_BASE_URL, so plugin code run from the command line
    (demo data, jobs) can build URLs with url_for as it does in a request."""
    return current_app.test_request_context("/", base_url=current_app.config["BASE_URL"])


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """A count with its noun: "1 meeting", "4 meetings", "2 activities"."""
    if count == 1:
        return f"1 {singular}"
    if plural_form is None:
        if singular.endswith("y") and singular[-2:-1] not in ("a", "e", "o", "u"):
            plural_form = singular[:-1] + "ies"
        elif singular.endswith(("s", "x", "ch", "sh")):
            plural_form = singular + "es"
        else:
            plural_form = singular + "s"
    return f"{count} {plural_form}"


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept in memory for every app of the process: an app
    created again (each test makes its own) reuses the code instead of compiling every
    template anew. Jinja checks each template's source against its checksum before using it."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.kept.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def compile_templates(app: Flask) -> int:
    """Compile every template before the first request (a server's worker, as it starts), so
    that no user waits for a template's first compilation (up to 80 ms for a large page, about
    0.6 s for all of them); the number of templates."""
    names = app.jinja_env.list_templates()
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)
