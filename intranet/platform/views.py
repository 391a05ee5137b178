"""Dashboard, plugin administration, error pages, and the helpers every page template uses."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from flask_wtf.csrf import generate_csrf as csrf_token
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from intranet.access import EVERYONE, public, roles
from intranet.administration.settings import setting
from intranet.confirm import confirmation
from intranet.extensions import db
from intranet.platform import plugins, submissions
from intranet.platform.audit import record
from intranet.platform.markdown import render_markdown
from intranet.web import plural, wants_fragment
from intranet.widgets import choice_inputs

bp = Blueprint("views", __name__)


@bp.get("/")
@roles(*EVERYONE)
def dashboard() -> str:
    widgets = plugins.collect("intranet_dashboard_widgets", user=current_user)
    return render_template("dashboard/index.html", widgets=widgets)


@bp.get("/healthz")
@public
def healthz() -> Response:
    """A tiny answer without the database: load balancers' probe and the benchmark's baseline."""
    return Response("ok\n", mimetype="text/plain")


@bp.get("/favicon.ico")
@public
def favicon() -> Response:
    """Browsers and feed readers ask for /favicon.ico whatever the page links: the SVG icon."""
    return current_app.send_static_file("favicon.svg")


@bp.get("/dashboard/welcome")
@roles(*EVERYONE)
def welcome_widget() -> str:
    template = "dashboard/_welcome.html" if wants_fragment() else "dashboard/widget_page.html"
    return render_template(template, body="dashboard/_welcome.html", title="Welcome")


def plugins_context(**extra: Any) -> dict[str, Any]:
    return {
        "plugins": plugins.registry().external,
        "disabled": plugins.disabled_plugins(),
        **extra,
    }


@bp.get("/admin/plugins")
@roles("admin")
def admin_plugins() -> str:
    return render_template("admin/plugins.html", **plugins_context())


@bp.post("/admin/plugins/<name>/<any(enable, disable):action>")
@roles("admin")
def toggle_plugin(name: str, action: str) -> str | Response:
    info = plugins.registry().plugins.get(name)
    if info is None or info.internal:
        abort(404)
    enable = action == "enable"
    if not enable:
        asked = confirmation(
            f"Disable the plugin “{name}” for everyone?",
            action=f"Disable {name}",
            back=url_for("views.admin_plugins"),
            detail="Its pages, menu entries, widgets and search results disappear at once for "
            "every user. Its data stays and comes back when you enable it again.",
        )
        if asked:
            return asked
    if plugins.set_enabled(name, enable, actor=current_user):
        record(f"plugin.{action}d", target=f"plugin:{name}")
        db.session.commit()
    message = f"Plugin “{name}” {'enabled' if enable else 'disabled'}."
    if wants_fragment():
        g.pop("intranet_nav", None)
        return render_template(
            "admin/_plugins_panel.html",
            **plugins_context(message=message, oob=True, changed=name),
        )
    flash(message, "success")
    return redirect(url_for("views.admin_plugins"), code=303)


def nav_items() -> list[Any]:
    if not current_user.is_authenticated:
        return []
    if "intranet_nav" not in g:
        g.intranet_nav = plugins.collect("intranet_nav_items", user=current_user)
    return g.intranet_nav


def banners() -> list[Any]:
    if not current_user.is_authenticated:
        return []
    return plugins.collect("intranet_banners", user=current_user)


def admin_nav_items() -> list[Any]:
    if not current_user.is_authenticated or not current_user.is_staff:
        return []
    return plugins.collect("intranet_admin_nav_items", user=current_user)


ERROR_MESSAGES = {
    400: "The request could not be understood. Go back, check what you entered and try again.",
    401: "Please sign in to continue.",
    403: "You do not have access to this page.",
    404: "There is no page at this address, or it is not available to you.",
    405: "This address does not accept that kind of request.",
    413: "What you sent is too large. Files may be at most {limit}.",
    422: "Some of what you entered needs correcting.",
    429: "Too many attempts. Wait a little and try again.",
    500: "Something went wrong on our side. The error has been logged; please try again later.",
    503: "The intranet is briefly unavailable. Please try again in a minute.",
}


def handle_http_error(
    error: HTTPException,
) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    code = error.code or 500
    limit = request.max_content_length or 0
    message = ERROR_MESSAGES.get(code, error.description or "Error").format(
        limit=f"{limit // (1024 * 1024)} MB"
    )
    if isinstance(error, CSRFError):
        message = (
            "This form was not sent from this site or has expired (missing or invalid security "
            "token). Reload the page and submit it again."
        )
    try:
        if wants_fragment():
            return render_template("errors/_message.html", code=code, message=message), code
        return render_template("errors/error.html", code=code, message=message), code
    except (OperationalError, InterfaceError) as unavailable:
        # The page's navigation needs the database: while it restarts, say that instead.
        return handle_database_unavailable(unavailable)


def discard_session() -> None:
    """Roll back what failed, whatever state the connection is in.

    During a database restart the rollback itself can fail (the server closed the
    connection); an error handler that let that escape would answer an empty 500. The session
    is then dropped, and the pool's pre-ping replaces the dead connection on the next request.
    """
    try:
        db.session.rollback()
    except Exception as error:  # any failure here must not hide the answer
        current_app.logger.warning("rollback failed on %s: %s", request.path, error)
        with suppress(Exception):
            db.session.remove()


def handle_unexpected_error(error: Exception) -> tuple[str, int]:
    discard_session()
    current_app.logger.exception("unhandled error on %s", request.path)
    # A minimal page: no navigation, so no hook or database call that may fail again.
    return render_template(
        "errors/error.html", code=500, message=ERROR_MESSAGES[500], minimal=True
    ), 500


def handle_integrity_error(error: IntegrityError) -> Response | tuple[str, int]:
    """A duplicate of a submission that committed meanwhile gets the first one's answer."""
    answer = submissions.answer_to_duplicate(error)
    return answer if answer is not None else handle_unexpected_error(error)


def handle_database_unavailable(
    error: OperationalError | InterfaceError,
) -> tuple[str, int, dict[str, str]]:
    """The database is down, restarting or locked: a clear 503, and the next request retries.

    The pool's pre-ping replaces dropped connections, so no restart is needed afterwards.
    """
    discard_session()
    current_app.logger.warning("database unavailable on %s: %s", request.path, error.orig)
    # Templates ask Flask-Login for the user, which needs the database: answer as anonymous.
    g._login_user = current_app.login_manager.anonymous_user()
    headers = {"Retry-After": "30"}
    if wants_fragment():
        html = render_template("errors/_message.html", code=503, message=ERROR_MESSAGES[503])
        return html, 503, headers
    # A minimal page: no navigation, so nothing that needs the database again.
    html = render_template("errors/error.html", code=503, message=ERROR_MESSAGES[503], minimal=True)
    return html, 503, headers


def site_logo() -> str:
    """The admin's logo address (core setting `site_logo`), or "" for the intranet's own mark;
    "" as well when the database cannot answer (the error pages use the same header)."""
    with suppress(DBAPIError, KeyError):
        return setting("core", "site_logo") or ""
    return ""


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(InterfaceError, handle_database_unavailable)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    app.jinja_env.globals.update(
        nav_items=nav_items,
        admin_nav_items=admin_nav_items,
        banners=banners,
        choice_inputs=choice_inputs,
        csrf_token=csrf_token,
        site_logo=site_logo,
    )
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["plural"] = plural
