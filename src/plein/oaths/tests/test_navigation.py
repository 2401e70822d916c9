from datetime import date

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from plein.core import roles as R
from plein.oaths.navigation import oath_navigation, oath_start_items
from plein.oaths.tests.factories import CeremonyFactory, RegistrationFactory, taken

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2024, 6, 1), tick=False):
        yield


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (R.HR, "oaths:overview"),
        (R.INTEGRITY_COORDINATOR, "oaths:overview"),
        (R.MANAGER, "oaths:overview"),
        (R.AUDITOR, "oaths:figures"),
        (R.FUNCTIONAL_ADMIN, None),
        (None, None),
    ],
)
def test_navigation_by_permission(make_user, unit, role, url):
    user = make_user(role, unit=unit) if role else make_user()
    items = oath_navigation(request_for(user))
    assert [i.url for i in items] == ([reverse(url)] if url else [])


def test_anonymous_gets_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert oath_navigation(request_for(AnonymousUser())) == []
    assert oath_start_items(request_for(AnonymousUser())) == []


def test_overdue_todo(make_user):
    user = make_user(start_date=date(2024, 2, 29))
    [item] = oath_start_items(request_for(user))
    assert item.kind == "todo"
    assert item.overdue is True
    assert item.url == reverse("oaths:mine")
    assert "29 mei 2024" in item.description


def test_due_todo_and_registered(make_user, organisation):
    user = make_user(start_date=date(2024, 5, 1))
    [item] = oath_start_items(request_for(user))
    assert item.overdue is False and "1 augustus 2024" in item.description
    ceremony = CeremonyFactory(organisation=organisation, date=date(2024, 6, 13), title="Ambtseed juni")
    RegistrationFactory(organisation=organisation, ceremony=ceremony, employee=user.employee)
    [item] = oath_start_items(request_for(user))
    assert "Ambtseed juni" in item.description


def test_done_is_a_link(make_user):
    user = make_user(start_date=date(2024, 1, 2))
    taken(user.employee, date(2024, 3, 14))
    [item] = oath_start_items(request_for(user))
    assert item.kind == "link"
    assert "14 maart 2024" in item.description


def test_external_has_no_todo(make_user):
    user = make_user(employment_type="inhuur", start_date=date(2024, 5, 1))
    assert oath_start_items(request_for(user)) == []


def test_hr_gets_a_link_to_ceremonies(make_user):
    hr = make_user(R.HR, start_date=date(2020, 1, 6))
    taken(hr.employee, date(2020, 2, 1))
    urls = [i.url for i in oath_start_items(request_for(hr))]
    assert reverse("oaths:ceremony_list") in urls
