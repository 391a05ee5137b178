"""User administration for the secretariat and admins: find, create, change and import accounts.

Rules: only admins create, change or promote admins; nobody deactivates or demotes the last
active admin; every change is audited; a role change or deactivation ends the user's sessions.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import ColumnElement, literal_column, or_, select, table
from sqlalchemy import text as text_clause
from werkzeug.wrappers import Response
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from intranet.access import STAFF, roles
from intranet.accounts.users import (
    UserError,
    create_user,
    resend_activation,
    set_delegation,
)
from intranet.administration.user_import import confirm_import, import_users
from intranet.countries import CountryField
from intranet.directory import counts
from intranet.directory.forms import DelegationForm, organisation_choices
from intranet.extensions import db
from intranet.forms import Form
from intranet.models import ROLE_LABELS, ROLES, User, utcnow
from intranet.platform.audit import record
from intranet.platform.plugins import notify_event
from intranet.web import render_form, wants_fragment
from intranet.zones import ZoneField

PAGE_SIZE = 25
TRIGRAM = 3  # the shortest search the trigram indexes answer

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


# --- forms -----------------------------------------------------------------------------------


def role_choices(actor: User) -> list[tuple[str, str]]:
    """Roles `actor` may give: only admins make admins."""
    return [(role, ROLE_LABELS[role]) for role in ROLES if role != "admin" or actor.role == "admin"]


class CreateUserForm(Form):
    name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", default="member")
    country_code = CountryField("Delegation", description="Leave empty for guests and staff.")
    organisation_id = SelectField(
        "Organisation",
        validate_choice=False,  # create_user refuses an unknown one next to the field
        description="Ask for it to be added under Organisations if it is missing.",
    )
    timezone = ZoneField(
        "Time zone",
        empty="The delegation's zone",
        description="Dates are shown in it; they can change it at their first sign-in.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [("", "—"), *organisation_choices()]


class RoleForm(Form):
    role = SelectField("New role")


class ReasonForm(Form):
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired(message="Give a reason; it is kept in the audit log."),
            Length(max=500),
        ],
    )


# --- rules -----------------------------------------------------------------------------------


def other_active_admins(user: User) -> list[int]:
    """Ids of the active admins besides `user`, locked until commit where the database can."""
    return list(
        db.session.scalars(
            select(User.id)
            .where(User.role == "admin", User.is_active_account.is_(True), User.id != user.id)
            .with_for_update()
        )
    )


def refusal(
    actor: User, user: User, *, new_role: str | None = None, deactivate: bool = False
) -> str | None:
    """Why `actor` may not make this change to `user`, or None when it is allowed."""
    if actor.role != "admin" and (user.role == "admin" or new_role == "admin"):
        return "Only administrators may change an administrator's account or make someone one."
    if deactivate and user.id == actor.id:
        return "You cannot deactivate your own account."
    if user.erased_at is not None and (new_role is not None or not deactivate):
        return "This account's personal data was erased; it cannot be used again."
    losing_admin = deactivate or (new_role is not None and new_role != "admin")
    if user.role == "admin" and user.is_active and losing_admin and not other_active_admins(user):
        return f"{user.name} is the last active administrator; make someone else one first."
    return None


def name_or_address_holds(text: str) -> ColumnElement[bool]:
    """Accounts whose name or email address holds `text`, in any case: from the trigram index
    of each engine when `text` has three characters or more (core_0020, core_0024), else by
    reading the accounts."""
    if len(text) >= TRIGRAM and db.engine.dialect.name == "sqlite":
        phrase = '"' + text.replace('"', '""') + '"'
        holding = (
            select(literal_column("rowid"))
            .select_from(table("account_fts"))
            .where(
                text_clause("account_fts MATCH :account_phrase").bindparams(account_phrase=phrase)
            )
        )
        return User.id.in_(holding)
    literal = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{literal}%"  # what was typed, never a pattern
    return or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\"))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


# --- list, create, detail ----------------------------------------------------------------------


@bp.get("")
@roles(*STAFF)
def index() -> str:
    filters = {key: request.args.get(key, "").strip() for key in ("q", "role", "status")}
    query = select(User).order_by(User.name, User.id)
    if filters["q"]:
        query = query.where(name_or_address_holds(filters["q"]))
    if filters["role"] in ROLES:
        query = query.where(User.role == filters["role"])
    if filters["status"] in ("active", "inactive"):
        query = query.where(User.is_active_account.is_(filters["status"] == "active"))
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False, count=False)
    # counted once per change to the accounts' names, addresses, roles and status (the 150,000
    # active accounts of N=10 took 59 ms to count on each page)
    pagination.total = counts.accounts_matching(repr(sorted(filters.items())), query)
    template = "admin_users/_results.html" if wants_fragment() else "admin_users/index.html"
    return render_template(
        template,
        pagination=pagination,
        filters=filters,
        query_args={key: value for key, value in filters.items() if value},
        role_labels=ROLE_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles(*STAFF)
def create() -> str | tuple[str, int] | Response:
    form = CreateUserForm()
    form.role.choices = role_choices(current_user)
    if form.validate_on_submit():
        try:
            user, _mailed = create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                country_code=form.country_code.data or None,
                organisation=form.organisation_id.data or None,
                timezone=form.timezone.data or None,
                actor=current_user,
            )
        except UserError as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(str(error).capitalize())
        else:
            flash(
                f"{user.name} was created; an activation link was mailed to {user.email}.",
                "success",
            )
            return redirect(url_for("admin_users.detail", user_id=user.id), code=303)
    return render_form("admin_users/create.html", form)


def panel_context(user: User, **extra: Any) -> dict[str, Any]:
    role_form = extra.pop("role_form", None) or RoleForm(formdata=None, role=user.role)
    role_form.role.choices = role_choices(current_user)
    return {
        "user": user,
        "role_form": role_form,
        "reason_form": extra.pop("reason_form", None) or ReasonForm(formdata=None),
        "delegation_form": extra.pop("delegation_form", None)
        or DelegationForm(formdata=None, country_code=user.country_code or ""),
        "role_labels": ROLE_LABELS,
        **extra,
    }


@bp.get("/<int:user_id>")
@roles(*STAFF)
def detail(user_id: int) -> str:
    return render_template("admin_users/detail.html", **panel_context(get_user(user_id)))


def done(user: User, message: str, category: str = "success") -> str | Response:
    """After an inline action: the refreshed panel for htmx, or 303 back to the user's page."""
    if wants_fragment():
        return render_template(
            "admin_users/_panel.html", **panel_context(user, message=message, category=category)
        )
    flash(message, category)
    return redirect(url_for("admin_users.detail", user_id=user.id), code=303)


def refused(user: User, status: int = 422, **context: Any) -> tuple[str, int]:
    """The panel (htmx) or the page again, with the errors and the input kept.

    htmx swaps only 2xx and 422 answers, so a refusal by the rules (403 for a full page) comes
    back to htmx as 422 to show the message next to the field.
    """
    if wants_fragment():
        return render_template("admin_users/_panel.html", **panel_context(user, **context)), 422
    return render_template("admin_users/detail.html", **panel_context(user, **context)), status


# --- inline actions ---------------------------------------------------------------------------


@bp.post("/<int:user_id>/role")
@roles(*STAFF)
def change_role(user_id: int) -> str | tuple[str, int] | Response:
    user = get_user(user_id)
    form = RoleForm()
    form.role.choices = [(role, ROLE_LABELS[role]) for role in ROLES]
    if not form.validate_on_submit():
        return refused(user, role_form=form)
    new_role = form.role.data
    if new_role == user.role:
        return done(user, f"{user.name} is already {ROLE_LABELS[new_role].lower()}.", "info")
    problem = refusal(current_user, user, new_role=new_role)
    if problem:
        db.session.rollback()
        form.role.errors.append(problem)
        return refused(user, status=403, role_form=form)
    old_role, user.role = user.role, new_role
    user.end_all_sessions()
    record("user.role_changed", target=f"user:{user.id}", old=old_role, new=new_role)
    if user.is_guest:
        set_delegation(user, None)
    db.session.commit()
    return done(user, f"{user.name} is now {ROLE_LABELS[new_role].lower()}; their sessions ended.")


@bp.post("/<int:user_id>/<any(deactivate, reactivate):action>")
@roles(*STAFF)
def set_active(user_id: int, action: str) -> str | tuple[str, int] | Response:
    user = get_user(user_id)
    form = ReasonForm()
    deactivate = action == "deactivate"
    if not form.validate_on_submit():
        return refused(user, reason_form=form)
    if user.is_active != deactivate:
        return done(user, f"{user.name} is already {'in' * deactivate}active.", "info")
    problem = refusal(current_user, user, deactivate=deactivate)
    if problem:
        db.session.rollback()
        form.reason.errors.append(problem)
        return refused(user, status=403, reason_form=form)
    reason = form.reason.data.strip()
    user.is_active_account = not deactivate
    if deactivate:
        user.deactivated_at = utcnow()
        user.end_all_sessions()
    else:
        user.deactivated_at = None
    record(f"user.{action}d", target=f"user:{user.id}", reason=reason)
    db.session.commit()
    if deactivate:
        notify_event("intranet_user_deactivated", user=user)
        return done(user, f"{user.name} is deactivated; their sessions ended.")
    return done(user, f"{user.name} is active again.")


@bp.post("/<int:user_id>/resend-activation")
@roles(*STAFF)
def resend(user_id: int) -> str | tuple[str, int] | Response:
    user = get_user(user_id)
    if user.password_hash or not user.is_active:
        return done(
            user,
            f"{user.name} has already chosen a password or is deactivated; "
            "no activation link was sent.",
            "warning",
        )
    problem = refusal(current_user, user)
    if problem:
        return done(user, problem, "error")
    resend_activation(user, actor=current_user)
    return done(
        user, f"A new activation link was mailed to {user.email}; older links no longer work."
    )


bp.add_url_rule("/import", view_func=import_users, methods=["GET", "POST"])
bp.add_url_rule("/import/confirm", view_func=confirm_import, methods=["POST"])


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
