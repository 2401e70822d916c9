"""A permission our rules define is decided by the rules alone (plein.core.auth.RulesDecideBackend)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plein.core import roles as R
from plein.core.models import User

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)  # no permission or role caches


def group_with(*codenames: tuple[str, str]) -> Group:
    group = Group.objects.create(name="CMS-groep")
    for app_label, codename in codenames:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


def test_a_group_permission_does_not_open_what_the_roles_keep_closed(make_user):
    user = make_user()
    user.groups.add(group_with(("wagtailadmin", "access_admin")))
    assert not fresh(user).has_perm("wagtailadmin.access_admin")
    editor = make_user(R.EDITOR)
    assert fresh(editor).has_perm("wagtailadmin.access_admin")


def test_permissions_outside_the_rules_still_come_from_the_database(make_user):
    user = make_user()
    assert not fresh(user).has_perm("wagtailcore.add_page")
    user.groups.add(group_with(("wagtailcore", "add_page")))
    assert fresh(user).has_perm("wagtailcore.add_page")


def test_a_denied_rules_permission_reads_no_database_permissions(make_user):
    user = fresh(make_user())
    with CaptureQueriesContext(connection) as ctx:
        assert not user.has_perm("core.manage_roles")
    assert not [q for q in ctx.captured_queries if "auth_permission" in q["sql"]]
