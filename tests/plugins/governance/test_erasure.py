"""Erasure in the governance plugin: past chairmanships no longer name the person, revisions
stay by "Former member", and a current or future chairperson must be replaced first."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.platform import plugins
from intranet.privacy.erasure import ErasureRefused, erase_account
from intranet_governance import documents
from intranet_governance.models import ChairPeriod, chairperson_table
from tests.erasure_helpers import NAME, assert_forgotten, make_person


@pytest.fixture
def person(make_user):
    return make_person(make_user)


@pytest.fixture
def staff(app, client, secretariat):
    client.login(secretariat.email)
    return client


@pytest.fixture
def past_chair(person):
    db.session.add(
        ChairPeriod(
            start=date(2020, 7, 1), end=date(2021, 6, 30), country_code="PL", chairpersons=[person]
        )
    )
    documents.add_revision("objectives", "Cooperate.", "First objectives", person)
    db.session.commit()
    return person


def test_chairmanship_and_document_pages_forget_the_person(staff, past_chair):
    urls = ["/governance/chairmanship", "/governance/documents/objectives"]
    assert_forgotten(staff, past_chair, urls)
    assert db.session.scalar(select(func.count()).select_from(chairperson_table)) == 0
    assert db.session.scalar(select(ChairPeriod.country_code)) == "PL"
    page = staff.get("/governance/documents/objectives").get_data(as_text=True)
    assert "First objectives" in page and "Former member" in page


def test_a_disabled_plugin_still_erases_its_data(staff, past_chair):
    plugins.set_enabled("governance", False)
    erase_account(past_chair, actor=None, via="admin")
    plugins.set_enabled("governance", True)
    assert db.session.scalar(select(func.count()).select_from(chairperson_table)) == 0
    assert NAME not in staff.get("/governance/chairmanship").get_data(as_text=True)


def test_the_current_chairperson_is_replaced_first(app, chair):
    with pytest.raises(ErasureRefused) as refused:
        erase_account(chair, actor=None, via="admin")
    [blocker] = refused.value.blockers
    assert blocker.startswith("Chairperson of the SE chairmanship from 01 Jul")
    assert blocker.endswith("name another chairperson under Governance, Chairmanship.")
