"""Who may do what: the CMS follows the roles, editors see no personal registers, everything else is refused."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from plein.core import roles as R
from plein.core.models import AuditEvent, RoleAssignment
from plein.portal import services

pytestmark = pytest.mark.django_db

MANAGEMENT_URLS = ["portal:policy_admin", "portal:policy_document_create", "portal:poll_admin", "portal:poll_create"]


def test_anonymous_visitors_read_the_portal_but_reach_nothing_else(client, portal, make_knowledge, make_poll):
    page = make_knowledge()
    poll = make_poll()
    for url in [
        "/",
        page.url,
        portal.news_index.url,
        portal.document_index.url,
        reverse("portal:search"),
        reverse("portal:poll_list"),
        reverse("portal:poll_detail", kwargs={"pk": poll.pk}),
    ]:
        assert client.get(url).status_code == 200, url
    for url in ["/cms/", "/cms/pages/", "/cms/documents/", "/cms/sprite/", *map(reverse, MANAGEMENT_URLS)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_wagtail_login_and_password_pages_go_to_allauth(client, portal):
    response = client.get("/cms/login/?next=/cms/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cms/pages/"
    response = client.get("/cms/password_reset/")
    assert response["Location"] == "/accounts/login/?next=/cms/"
    assert client.post("/cms/login/", {"username": "x", "password": "y"}).status_code == 302


@pytest.mark.parametrize("role", [None, R.MANAGER, R.HR, R.AUDITOR, R.FUNCTIONAL_ADMIN, R.CONFIDENTIAL_ADVISER])
def test_only_editors_and_the_ic_reach_the_cms(client, portal, make_user, role):
    user = make_user(*([role] if role else []))
    client.force_login(user)
    assert client.get("/cms/").status_code == 403
    assert client.get("/cms/pages/").status_code == 403
    assert not user.groups.exists()


def test_editor_edits_content_but_sees_no_personal_registers(client, portal, editor_user, make_knowledge):
    page = make_knowledge()
    client.force_login(editor_user)
    assert client.get("/cms/").status_code == 200
    assert set(editor_user.groups.values_list("name", flat=True)) == {services.EDITORS_GROUP}
    assert client.get(f"/cms/pages/{page.pk}/edit/").status_code == 200
    assert client.get(f"/cms/pages/add/portal/knowledgepage/{portal.home.pk}/").status_code == 200
    assert client.get("/cms/documents/").status_code == 200
    # Personal registers and CMS user management stay closed.
    assert client.get(reverse("core:people")).status_code == 403
    assert client.get("/cms/users/").status_code in (302, 403)
    assert client.get(reverse("portal:policy_admin")).status_code == 200
    version_urls = [reverse("portal:campaign_coverage", kwargs={"pk": 1}), reverse("core:audit_log")]
    for url in version_urls:
        assert client.get(url).status_code in (403, 404), url


def test_editor_cannot_publish_directly_but_submits_for_review(client, portal, editor_user, ic_user, make_knowledge):
    from wagtail.models import Page, PagePermissionTester

    page = make_knowledge()
    client.force_login(editor_user)
    client.get("/cms/")  # brings the groups in line with the role
    tester = PagePermissionTester(editor_user, Page.objects.get(pk=page.pk))
    assert tester.can_edit() and not tester.can_publish()
    client.force_login(ic_user)
    client.get("/cms/")
    tester = PagePermissionTester(ic_user, Page.objects.get(pk=page.pk))
    assert tester.can_publish()
    assert set(ic_user.groups.values_list("name", flat=True)) == {services.EDITORS_GROUP, services.REVIEWERS_GROUP}
    # The editorial workflow on the portal: one task, approved by the integrity coordinators.
    workflow = Page.objects.get(pk=page.pk).get_workflow()
    assert workflow.name == services.WORKFLOW_NAME
    task = workflow.tasks.get().specific
    assert task.name == services.REVIEW_TASK_NAME
    assert list(task.groups.values_list("name", flat=True)) == [services.REVIEWERS_GROUP]


def test_a_revoked_role_closes_the_cms_at_once(client, portal, editor_user):
    client.force_login(editor_user)
    assert client.get("/cms/").status_code == 200
    RoleAssignment.objects.filter(user=editor_user, role=R.EDITOR).update(revoked_at=timezone.now())
    assert client.get("/cms/").status_code == 403
    assert not editor_user.groups.exists()
    assert AuditEvent.objects.filter(action="portal.cms_groups_synced", target_id=str(editor_user.pk)).count() == 2


def test_groups_carry_no_cms_access_of_their_own(portal, make_user):
    """Access follows the role: a stale group membership alone does not open the CMS."""
    user = make_user()
    user.groups.add(Group.objects.get(name=services.EDITORS_GROUP))
    assert not user.has_perm("wagtailadmin.access_admin")
    for name in services.MANAGED_GROUPS:
        assert not Group.objects.get(name=name).permissions.filter(codename="access_admin").exists()


def test_sync_command_for_everyone(portal, make_user):
    from django.core.management import call_command

    editor, ic, employee = make_user(R.EDITOR), make_user(R.INTEGRITY_COORDINATOR), make_user()
    call_command("sync_cms_editors", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert editor.groups.count() == 1 and ic.groups.count() == 2 and not employee.groups.exists()


def test_cms_is_in_dutch_by_default(client, portal, editor_user):
    client.force_login(editor_user)
    response = client.get("/cms/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="nl"' in response.content.decode()
    assert editor_user.wagtail_userprofile.preferred_language == "nl"


@pytest.mark.parametrize("role", [None, R.EDITOR, R.AUDITOR, R.FUNCTIONAL_ADMIN])
def test_campaigns_are_for_the_ic_only(client, organisation, make_policy, make_user, role):
    version = make_policy().versions.get()
    client.force_login(make_user(*([role] if role else [])))
    response = client.post(reverse("portal:campaign_start", kwargs={"pk": version.pk}), {})
    assert response.status_code == 403
    assert not services.AcknowledgementCampaign.objects.exists()


def test_auditor_sees_no_management(client, make_user):
    client.force_login(make_user(R.AUDITOR))
    for url in map(reverse, MANAGEMENT_URLS):
        assert client.get(url).status_code == 403, url
