"""Importing accounts from CSV for the secretariat: preview with per-row errors, then confirm.

The routes belong to the user administration's blueprint (`admin_users.import_users`,
`admin_users.confirm_import`), which registers them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask import abort, current_app, flash, redirect, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response
from wtforms import HiddenField, TextAreaField

from intranet.access import STAFF, roles
from intranet.accounts.users import add_user, check_new_user, send_activation_mail
from intranet.extensions import db
from intranet.forms import Form
from intranet.models import ROLES, User
from intranet.platform.audit import record
from intranet.platform.plugins import notify_event
from intranet.web import plural, render_form

IMPORT_COLUMNS = ("email", "name", "role", "country", "organisation", "zone")
IMPORT_MAX_ROWS = 1000
IMPORT_MAX_AGE = 60 * 60
IMPORT_SALT = "intranet.admin-users.import"


class ImportForm(Form):
    file = FileField("CSV file")
    text = TextAreaField(
        "Or paste the CSV here",
        description="Columns: email,name,role,country, optionally organisation,zone (a header "
        "line first). Roles: "
        + ", ".join(ROLES)
        + ". Country: a name such as Latvia or a code such as LV; empty for none. "
        "Organisation: as recorded under Organisations. Zone: such as Europe/Riga; empty for "
        "the country's zone.",
    )


class ConfirmImportForm(Form):
    payload = HiddenField()


@dataclass
class ImportRow:
    line: int
    email: str
    name: str
    role: str
    country: str
    organisation: str = ""
    zone: str = ""
    errors: list[str] = field(default_factory=list)

    def as_values(self) -> list[str]:
        return [self.email, self.name, self.role, self.country, self.organisation, self.zone]


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
            email=row.email,
            name=row.name,
            role=row.role,
            country_code=row.country,
            organisation=row.organisation,
            timezone=row.zone,
        )
        row.errors.extend(
            message[0].upper() + message[1:].rstrip(".") + "." for message in problems.values()
        )
        if row.role == "admin" and actor.role != "admin":
            row.errors.append("Only administrators may create administrators.")
        email = values["email"] or ""
        if email and "email" not in problems:
            if email in seen:
                row.errors.append(f"The email {email} appears already on line {seen[email]}.")
            else:
                seen[email] = row.line
            row.email = email
        row.country = values["country_code"] or row.country
        row.zone = values.get("timezone") or row.zone
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
    text = ",".join(IMPORT_COLUMNS) + "\n" + "".join(_csv_line(row) for row in values)
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
            organisation=row.organisation or None,
            timezone=row.zone or None,
            actor=current_user,
        )
        created.append((user, token))
    record("user.imported", target=None, count=len(created))
    for user, token in created:
        send_activation_mail(user, token)
    db.session.commit()
    for user, _token in created:
        notify_event("intranet_user_created", user=user)
    flash(f"{plural(len(created), 'account')} imported; activation links were mailed.", "success")
    return redirect(url_for("admin_users.index"), code=303)


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()
