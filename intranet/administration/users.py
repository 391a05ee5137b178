"""User administration for the secretariat and admins: find, create, change and import accounts.

Rules: only admins create, change or promote admins; nobody deactivates or demotes the last
active admin; every change is audited; a role change or deactivation ends the user's sessions.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.file import FileField
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import or_, select
from werkzeug.wrappers import Response
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from intranet.access import STAFF, roles
from intranet.accounts.users import (
    UserError,
    add_user,
    check_new_user,
    create_user,
    resend_activation,
    send_activation_mail,
    set_delegation,
)
from intranet.directory.forms import DelegationForm
from intranet.extensions import db
from intranet.forms import Form
from intranet.models import ROLE_LABELS, ROLES, User, utcnow
from intranet.platform.audit import record
from intranet.platform.mail import MailError
from intranet.platform.plugins import notify_event
from intranet.web import render_form, wants_fragment

PAGE_SIZE = 25
IMPORT_COLUMNS = ("email", "name", "role", "country")
IMPORT_MAX_ROWS = 1000
IMPORT_MAX_AGE = 60 * 60
IMPORT_SALT = "intranet.admin-users.import"

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


# --- forms -----------------------------------------------------------------------------------


def role_choices(actor: User) -> list[tuple[str, str]]:
    """Roles `actor` may give: only admins make admins."""
    return [(role, ROLE_LABELS[role]) for role in ROLES if role != "admin" or actor.role == "admin"]


class CreateUserForm(Form):
    name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", default="member")
    country_code = StringField(
        "Country code",
        validators=[Optional(), Length(max=2)],
        description="Two letters, e.g. SE; leave empty for none.",
    )


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


class ImportForm(Form):
    file = FileField("CSV file")
    text = TextAreaField(
        "Or paste the CSV here",
        description="Columns: email,name,role,country (a header line first). Roles: "
        + ", ".join(ROLES)
        + ".",
    )


class ConfirmImportForm(Form):
    payload = HiddenField()


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
        pattern = f"%{filters['q']}%"
        query = query.where(or_(User.name.ilike(pattern), User.email.ilike(pattern)))
    if filters["role"] in ROLES:
        query = query.where(User.role == filters["role"])
    if filters["status"] in ("active", "inactive"):
        query = query.where(User.is_active_account.is_(filters["status"] == "active"))
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
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
                actor=current_user,
            )
        except UserError as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(str(error).capitalize())
        except MailError:
            flash(
                "The account was created, but the activation mail could not be sent. "
                "Try “Resend activation” later.",
                "warning",
            )
            return redirect(url_for("admin_users.detail", user_id=_created_id(form)), code=303)
        else:
            flash(
                f"{user.name} was created; an activation link was mailed to {user.email}.",
                "success",
            )
            return redirect(url_for("admin_users.detail", user_id=user.id), code=303)
    return render_form("admin_users/create.html", form)


def _created_id(form: CreateUserForm) -> int:
    email = form.email.data.strip().lower()
    return db.session.scalar(select(User.id).where(User.email == email))


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
    try:
        resend_activation(user, actor=current_user)
    except MailError:
        return done(user, "The activation mail could not be sent. Try again later.", "error")
    return done(
        user, f"A new activation link was mailed to {user.email}; older links no longer work."
    )


# --- CSV import ---------------------------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    email: str
    name: str
    role: str
    country: str
    errors: list[str] = field(default_factory=list)

    def as_values(self) -> list[str]:
        return [self.email, self.name, self.role, self.country]


def parse_import(text: str, actor: User) -> tuple[list[ImportRow], str | None]:
    """Read and check the CSV; returns (rows with their errors, a problem with the whole file)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), skipinitialspace=True)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in IMPORT_COLUMNS[:3] if column not in header]
    if missing:
        return [], (
            "The first line must name the columns email,name,role,country; missing: "
            + ", ".join(missing)
            + "."
        )
    reader.fieldnames = header
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    for record_ in reader:
        if len(rows) >= IMPORT_MAX_ROWS:
            return rows, f"Import at most {IMPORT_MAX_ROWS} rows at a time."
        cells = {key: (record_.get(key) or "").strip() for key in IMPORT_COLUMNS}
        if not any(cells.values()):
            continue
        row = ImportRow(reader.line_num, **cells)
        if None in record_:
            row.errors.append("This row has more cells than the header.")
        values, problems = check_new_user(
            email=row.email, name=row.name, role=row.role, country_code=row.country
        )
        row.errors.extend(message[0].upper() + message[1:] + "." for message in problems.values())
        if row.role == "admin" and actor.role != "admin":
            row.errors.append("Only administrators may create administrators.")
        email = values["email"] or ""
        if email and "email" not in problems:
            if email in seen:
                row.errors.append(f"The email {email} appears already on line {seen[email]}.")
            else:
                seen[email] = row.line
            row.email = email
        row.country = values["country_code"] or ""
        rows.append(row)
    if not rows:
        return [], "The file holds no rows to import."
    return rows, None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=IMPORT_SALT)


def _read_upload(form: ImportForm) -> str | None:
    upload = form.file.data
    if upload and upload.filename:
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors.append("The file is not UTF-8 text. Save it as “CSV UTF-8”.")
            return None
    return form.text.data or ""


@bp.route("/import", methods=["GET", "POST"])
@roles(*STAFF)
def import_users() -> str | tuple[str, int]:
    """Step 1: upload or paste → a preview with per-row errors. Nothing is written yet."""
    form = ImportForm()
    rows: list[ImportRow] = []
    confirm = None
    if form.validate_on_submit():
        text = _read_upload(form)
        if text is not None:
            form.text.data = text
            rows, problem = parse_import(text, current_user)
            if problem:
                form.text.errors.append(problem)
            valid = [row.as_values() for row in rows if not row.errors]
            if valid:
                confirm = ConfirmImportForm(formdata=None, payload=_serializer().dumps(valid))
    return render_form("admin_users/import.html", form, rows=rows, confirm=confirm)


@bp.post("/import/confirm")
@roles(*STAFF)
def confirm_import() -> str | tuple[str, int] | Response:
    """Step 2: import the previewed valid rows, all in one transaction, then mail each."""
    form = ConfirmImportForm()
    try:
        values = _serializer().loads(form.payload.data or "", max_age=IMPORT_MAX_AGE)
    except BadSignature:
        abort(400, "The import preview has expired or was altered. Preview the file again.")
    if not form.validate_on_submit():
        abort(400)
    text = "email,name,role,country\n" + "".join(_csv_line(row) for row in values)
    rows, problem = parse_import(text, current_user)
    if problem or any(row.errors for row in rows):
        # Something changed since the preview (e.g. an account was created meanwhile).
        import_form = ImportForm(formdata=None, text=text)
        return render_form(
            "admin_users/import.html", import_form, rows=rows, confirm=None, status=422
        )
    created = []
    for row in rows:
        user, token = add_user(
            email=row.email,
            name=row.name,
            role=row.role,
            country_code=row.country or None,
            actor=current_user,
        )
        created.append((user, token))
    record("user.imported", target=None, count=len(created))
    db.session.commit()
    failed = []
    for user, token in created:
        notify_event("intranet_user_created", user=user)
        try:
            send_activation_mail(user, token)
        except MailError:
            failed.append(user.email)
    flash(f"{len(created)} account(s) imported; activation links were mailed.", "success")
    if failed:
        flash(
            "The activation mail could not be sent to: "
            + ", ".join(failed)
            + ". Use “Resend activation” on their pages.",
            "warning",
        )
    return redirect(url_for("admin_users.index"), code=303)


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
