"""Every route of moral deliberation refuses anonymous visitors (none is on the public allow-list), and the permission
rules answer "no" without an object, so that docs/permissions.md can be generated."""

import pytest
import rules
from django.test import Client
from django.urls import reverse

from plein.core.url_policy import iter_routes

pytestmark = pytest.mark.django_db


def test_no_route_of_the_app_is_public_and_anonymous_visitors_are_sent_to_log_in(organisation):
    routes = [r for r in iter_routes() if r.name.startswith("deliberation:")]
    assert len(routes) >= 40
    login = reverse("account_login")
    client = Client()
    for route in routes:
        assert not route.is_public, route.name
        for method in ("get", "post"):
            response = getattr(client, method)(route.path)
            assert response.status_code in (302, 405), (route.name, method, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(login), (route.name, method)


def test_every_permission_is_refused_without_an_object_unless_it_needs_none(make_user):
    from plein.core import roles as R

    nobody = make_user()
    names = [name for name in rules.permissions.permissions if name.startswith("deliberation.")]
    assert len(names) >= 20
    granted = {name for name in names if nobody.has_perm(name)}
    # An employee without any other role may only ask, join, read the library and vote.
    assert granted == {
        "deliberation.ask",
        "deliberation.join_session",
        "deliberation.view_library",
        "deliberation.vote",
    }
    ic = make_user(R.INTEGRITY_COORDINATOR)
    for name in ("deliberation.lead_session", "deliberation.view_session_content", "deliberation.contribute"):
        assert not ic.has_perm(name) and not ic.has_perm(name, None)
