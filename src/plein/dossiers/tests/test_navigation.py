"""The case-handling entries of the main navigation follow the permissions of the pages they lead to."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from plein.core import roles as R
from plein.dossiers.navigation import dossiers_navigation

pytestmark = pytest.mark.django_db


def urls_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return {item.url for item in dossiers_navigation(request)}


STATISTICS = reverse("dossiers_oversight:statistics")
RETENTION = reverse("dossiers_oversight:retention")
SETTINGS = reverse("dossiers:settings")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (R.INTEGRITY_COORDINATOR, {STATISTICS, RETENTION, SETTINGS}),
        (R.AUDITOR, {STATISTICS}),
        (R.FUNCTIONAL_ADMIN, {RETENTION, SETTINGS}),
        (R.CONFIDENTIAL_ADVISER, set()),
        (R.INVESTIGATOR, set()),
        (R.HR, set()),
        (R.MANAGER, set()),
        (None, set()),
    ],
)
def test_each_role_sees_the_pages_it_may_open(make_user, role, expected):
    user = make_user(role) if role else make_user()
    assert urls_for(user) == expected


def test_anonymous_visitors_get_no_entries():
    assert urls_for(AnonymousUser()) == set()
