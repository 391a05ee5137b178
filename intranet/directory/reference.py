"""Reference data the secretariat maintains: countries and organisations."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from intranet.access import STAFF, roles
from intranet.directory import counts
from intranet.directory.forms import CountryForm, OrganisationForm
from intranet.extensions import db
from intranet.models import Country, Organisation
from intranet.platform.audit import record
from intranet.web import render_form

bp = Blueprint("reference", __name__, url_prefix="/admin")


@bp.get("/countries")
@roles(*STAFF)
def countries() -> str:
    accounts = counts.accounts_per_country()
    countries = db.session.scalars(
        sa.select(Country).order_by(Country.kind != "member", Country.name)
    ).all()
    rows = [(country, accounts.get(country.code, 0)) for country in countries]
    return render_template("reference/countries.html", rows=rows)


@bp.route("/countries/new", methods=["GET", "POST"])
@bp.route("/countries/<code>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit_country(code: str | None = None) -> str | tuple[str, int] | Response:
    country = db.session.get(Country, code) if code else None
    if code and country is None:
        abort(404)
    form = CountryForm(obj=country, existing=country)
    if country is not None:
        form.code.data = country.code  # the key of existing rows does not change
    if form.validate_on_submit():
        if country is None:
            country = Country(code=form.code.data)
            db.session.add(country)
        country.name = form.name.data
        country.kind = form.kind.data
        record("country.saved", target=f"country:{country.code}")
        db.session.commit()
        flash(f"{country.name} is saved.", "success")
        return redirect(url_for("reference.countries"), code=303)
    return render_form("reference/country_form.html", form, country=country)


@bp.get("/organisations")
@roles(*STAFF)
def organisations() -> str:
    accounts = counts.accounts_per_organisation()
    organisations = db.session.scalars(
        sa.select(Organisation)
        .options(selectinload(Organisation.country))
        .order_by(Organisation.country_code.is_(None), Organisation.country_code, Organisation.name)
    ).all()
    rows = [(organisation, accounts.get(organisation.id, 0)) for organisation in organisations]
    return render_template("reference/organisations.html", rows=rows)


@bp.route("/organisations/new", methods=["GET", "POST"])
@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit_organisation(organisation_id: int | None = None) -> str | tuple[str, int] | Response:
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation_id and organisation is None:
        abort(404)
    form = OrganisationForm(obj=organisation, existing=organisation)
    if form.validate_on_submit():
        if organisation is None:
            organisation = Organisation()
            db.session.add(organisation)
        organisation.name = form.name.data
        organisation.kind = form.kind.data
        organisation.country_code = form.country_code.data or None
        db.session.flush()
        record("organisation.saved", target=f"organisation:{organisation.id}")
        db.session.commit()
        flash(f"{organisation.name} is saved.", "success")
        return redirect(url_for("reference.organisations"), code=303)
    return render_form("reference/organisation_form.html", form, organisation=organisation)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
