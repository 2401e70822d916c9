"""The access matrix (issue 13, "Must show" 1): every route × every role against ``plein.core.access_policy``.

Each route of the covered namespaces is requested as every role of ``plein.core.roles`` plus ``anonymous``, an account
of another organisation (with every role there), the ``owner`` of the object and the ``unit_manager`` who manages the
owner's unit. Routes with parameters get real objects that belong to someone else (the "subject", an employee in a
unit none of the role accounts belongs to), so that a route which forgets its object check (IDOR) is caught. The
outcome (allowed or denied) must be what the policy table declares. A route of a covered namespace without an entry
fails the suite, and so does a namespace that is neither covered nor named as not covered yet.

``PLEIN_ACCESS_OBSERVE=1`` prints the matrix as the code answers it, in the table's format, for a reviewer to compare.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from plein.core import access_policy as P
from plein.core import roles as R
from plein.core.tests.factories import (
    EmployeeFactory,
    OrganisationFactory,
    OrgUnitFactory,
    PositionFactory,
    RoleAssignmentFactory,
    UserFactory,
)
from plein.core.url_policy import iter_routes

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 2)
API_SCOPE = "hr.sync"
VAULT_PASSPHRASE = "correct horse battery vault"
REDIRECTS = {301, 302, 303, 307, 308}


def covered_routes():
    return [r for r in iter_routes() if P.namespace_of(r) in P.COVERED_NAMESPACES]


# --- the world the matrix runs in ------------------------------------------------------------------------------------


@dataclass
class World:
    organisation: object
    subject: object  # the employee whose records the objects are
    clients: dict[str, Client] = field(default_factory=dict)
    kwargs: dict[str, dict] = field(default_factory=dict)  # route name -> URL kwargs of its object


def _account(organisation, *roles, unit=None, employee_unit=None):
    user = UserFactory()
    EmployeeFactory(organisation=organisation, user=user, email=user.email, unit=employee_unit)
    for role in roles:
        RoleAssignmentFactory(organisation=organisation, user=user, role=role, unit=unit if role == R.MANAGER else None)
    return user


def _reports_objects(organisation, subject_user, handler):
    """A channel with the handler in its team, one report with an attachment; objects for the reports routes."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from plein.reports import services
    from plein.reports.files import prepare_upload
    from plein.reports.models import Attachment, HandlerKey
    from plein.reports.questionnaire import DEFAULT_QUESTIONNAIRE

    services.set_up_reporting(organisation=organisation, actor=None)
    channel = services.create_channel(
        organisation=organisation,
        actor=None,
        code="misstand",
        name="Misstand",
        description="Wat u hier kunt melden.",
        questionnaire=DEFAULT_QUESTIONNAIRE,
        anonymity_allowed=True,
        retention_days=365,
        category="",
        is_active=True,
        order=0,
    )
    services.set_up_vault(user=handler, passphrase=VAULT_PASSPHRASE)
    membership = services.add_team_member(channel=channel, actor=None, user=handler)
    membership.confirmed_public_key = bytes(HandlerKey.objects.get(user=handler).public_key)
    membership.confirmed_at = timezone.now()
    membership.save()
    upload = SimpleUploadedFile("notitie.txt", b"Bijlage bij de melding.", content_type="text/plain")
    submission = services.submit_report(
        channel=channel,
        mode="anonymous",
        answers=[{"key": "wat", "label": "Wat is er gebeurd?", "value": "Iets."}],
        identity=None,
        files=[prepare_upload(upload, strip=False, max_bytes=1024 * 1024)],
        form_token=services.issue_form_token(),
    )
    attachment = Attachment.objects.get(report=submission.report)
    report = {"pk": submission.report.pk}
    return {
        "reports:submit": {"code": channel.code},
        "reports:channel_team": {"code": channel.code},
        "reports:admin_channel_edit": {"code": channel.code},
        "reports:admin_channel_team": {"code": channel.code},
        "reports:admin_team_member_remove": {"code": channel.code, "user_pk": handler.pk},
        "reports:admin_team_member_confirm": {"code": channel.code, "user_pk": handler.pk},
        "reports:report": report,
        "reports:report_reply": report,
        "reports:report_acknowledge": report,
        "reports:report_reveal_identity": report,
        "reports:report_attachment": {"pk": submission.report.pk, "attachment_pk": attachment.pk},
        "reports:reporter_attachment": {"pk": attachment.pk},
    }


def _oaths_objects(organisation, subject):
    from plein.oaths.models import Registration
    from plein.oaths.tests.factories import CeremonyFactory, RegistrationFactory, texts

    texts(organisation)
    ceremony = CeremonyFactory(organisation=organisation, date=TODAY + dt.timedelta(days=30))
    registration = RegistrationFactory(organisation=organisation, employee=subject, ceremony=ceremony)
    by_ceremony = {"pk": ceremony.pk}
    kwargs = dict.fromkeys(
        (
            "oaths:ceremony_detail",
            "oaths:ceremony_edit",
            "oaths:ceremony_invite",
            "oaths:ceremony_register_employee",
            "oaths:self_register",
            "oaths:dilemma_add",
            "oaths:check_in_list",
            "oaths:ceremony_record_pdf",
        ),
        by_ceremony,
    )
    kwargs["oaths:check_in"] = {"pk": ceremony.pk, "registration_pk": registration.pk}
    kwargs["oaths:dilemma_remove"] = {"pk": ceremony.pk, "dilemma_pk": registration.pk}  # no dilemma: 404 for all
    kwargs["oaths:withdraw"] = {"pk": registration.pk}
    earlier = CeremonyFactory(organisation=organisation, date=TODAY - dt.timedelta(days=30))
    taken = RegistrationFactory(
        organisation=organisation,
        employee=subject,
        ceremony=earlier,
        status=Registration.Status.TAKEN,
        taken_on=earlier.date,
    )
    for name in ("oaths:confirmation", "oaths:confirmation_pdf"):
        kwargs[name] = {"pk": taken.pk}
    return kwargs


def _positions_objects(organisation, subject, ic):
    from plein.positions import services

    values = services.profile_values(None)
    values.update(
        vulnerable_areas={"geld": "Keurt betalingen goed."},
        risk_level="hoog",
        vog_required=True,
        vog_screening_areas=["geld"],
        financial_interests=True,
        publish_outside_activities=True,
        reviewed_on=dt.date(2025, 1, 15),
    )
    services.save_profile(actor=None, position=subject.position, values=values)
    review_round = services.start_round(actor=ic, organisation=organisation, title="Ronde", unit=subject.unit)
    item = review_round.items.first()
    vog = services.record_vog(actor=ic, employee=subject, requested_on=dt.date(2025, 1, 10))
    position = {"pk": subject.position.pk}
    person = {"pk": subject.pk}
    return {
        "positions:detail": position,
        "positions:edit": position,
        "positions:round": {"pk": review_round.pk},
        "positions:round_approve": {"pk": review_round.pk},
        "positions:item_review": {"pk": item.pk},
        "positions:item_approve": {"pk": item.pk},
        "positions:item_return": {"pk": item.pk},
        "positions:person": person,
        "positions:vog_add": person,
        "positions:talk": person,
        "positions:vog_edit": {"pk": vog.pk},
    }


def _declarations_objects(organisation, subject, ic):
    from plein.declarations import services

    activity = services.declare_activity(
        actor=subject.user,
        employee=subject,
        data={
            "external_organisation": "Stichting Het Veen",
            "role": "Penningmeester",
            "paid": False,
            "hours_per_month": 8,
            "start_date": dt.date(2025, 1, 1),
            "end_date": None,
            "relation_to_work": "",
            "conflict_of_interest": False,
            "uses_information": False,
            "time_burden": False,
            "reputation_risk": False,
            "risk_explanation": "",
        },
        today=TODAY,
    )
    gift = services.declare_gift(
        actor=None,
        employee=subject,
        data=services.GiftInput("geschenk", "ontvangen", "X", "Y", "Z", "70", TODAY),
        today=TODAY,
    )
    interest = services.declare_financial_interest(
        actor=None, employee=subject, kind="belang", description="A", institution="B", today=TODAY
    )
    candidate = services.create_candidate(
        actor=None,
        organisation=organisation,
        first_name="K",
        last_name="D",
        interview_on=TODAY,
        start_date=TODAY,
        unit=subject.unit,
        position=subject.position,
    )
    campaign = services.start_campaign(
        actor=ic, organisation=organisation, year=2025, scope="iedereen", deadline=dt.date(2025, 7, 1), today=TODAY
    )
    kwargs = {
        name: {"pk": activity.pk}
        for name in (
            "declarations:activity_detail",
            "declarations:activity_change",
            "declarations:activity_object",
            "declarations:activity_end",
            "declarations:activity_request_advice",
            "declarations:activity_advise",
            "declarations:activity_decide",
        )
    }
    for name in ("declarations:candidate_detail", "declarations:candidate_activity_create"):
        kwargs[name] = {"pk": candidate.pk}
    kwargs["declarations:candidate_attach"] = {"pk": candidate.pk}
    for name in ("declarations:campaign_detail", "declarations:campaign_close", "declarations:campaign_remind"):
        kwargs[name] = {"pk": campaign.pk}
    kwargs["declarations:interest_detail"] = {"pk": interest.pk}
    kwargs["declarations:gift_detail"] = {"pk": gift.pk}
    kwargs["declarations:gift_decide"] = {"pk": gift.pk}
    for name in (
        "declarations:activity_export",
        "declarations:gift_export",
        "declarations:public_register_export",
    ):
        kwargs[name] = {"fmt": "csv"}
    return kwargs


def _consultations_objects(organisation, ic):
    """A consultation recorded by the IC: a confidential adviser who did not record it must not see it."""
    from plein.consultations import selectors, services

    services.ensure_default_lists(organisation)
    topic = selectors.topics(organisation).get(code="nevenfuncties")
    action = selectors.actions(organisation).get(code="procesadvies")
    item = services.record_consultation(
        actor=ic,
        organisation=organisation,
        data=services.ConsultationInput(date=TODAY, requester="medewerker", topic=topic, action=action),
        today=TODAY,
    )
    kwargs = {
        name: {"pk": item.pk} for name in ("consultations:detail", "consultations:change", "consultations:remove")
    }
    kwargs["consultations:topic_change"] = {"pk": topic.pk}
    kwargs["consultations:action_change"] = {"pk": action.pk}
    kwargs["consultations:export"] = {"fmt": "csv"}
    return kwargs


@pytest.fixture
def world(settings, tmp_path):
    from django.core.cache import cache

    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    organisation = OrganisationFactory()
    own_unit = OrgUnitFactory(organisation=organisation, name="Eigen afdeling")
    subject_unit = OrgUnitFactory(organisation=organisation, name="Afdeling van de betrokkene")
    subject_user = UserFactory()
    subject = EmployeeFactory(
        organisation=organisation,
        user=subject_user,
        email=subject_user.email,
        unit=subject_unit,
        position=PositionFactory(organisation=organisation, unit=subject_unit),
    )
    world = World(organisation=organisation, subject=subject)
    accounts = {}
    for code in R.ROLES:
        unit = own_unit if code == R.MANAGER else None
        accounts[code] = _account(organisation, code, unit=unit, employee_unit=own_unit)
    accounts[P.OWNER] = subject_user
    accounts[P.UNIT_MANAGER] = _account(organisation, R.MANAGER, unit=subject_unit, employee_unit=own_unit)
    other = OrganisationFactory(slug="andere-provincie", name="Andere provincie", short_name="Andere")
    accounts[P.OTHER_ORGANISATION] = _account(other, *[c for c in R.ROLES if c != R.EMPLOYEE])
    ic = accounts[R.INTEGRITY_COORDINATOR]
    world.kwargs.update(_reports_objects(organisation, subject_user, ic))
    world.kwargs.update(_oaths_objects(organisation, subject))
    world.kwargs.update(_positions_objects(organisation, subject, ic))
    world.kwargs.update(_declarations_objects(organisation, subject, ic))
    world.kwargs.update(_consultations_objects(organisation, ic))
    world.kwargs["core:role_account"] = {"user_id": subject_user.pk}
    facilitator = RoleAssignmentFactory(organisation=organisation, user=subject_user, role=R.FACILITATOR)
    world.kwargs["core:role_revoke"] = {"user_id": subject_user.pk, "assignment_id": facilitator.pk}
    from plein.api import services as api_services

    token, _secret = api_services.create_token(organisation=organisation, name="HR-koppeling", scopes=[API_SCOPE])
    world.kwargs["api_tokens:revoke"] = {"token_id": token.pk}
    for who in P.WHO:
        client = Client()
        if who != P.ANONYMOUS:
            client.force_login(accounts[who])
            if who == R.INTEGRITY_COORDINATOR:
                unlocked = client.post(reverse("reports:vault_unlock"), {"passphrase": VAULT_PASSPHRASE})
                assert unlocked.status_code == 302
        world.clients[who] = client
    # The reporter's own side: a receipt session for the subject's report is not a role; the reporter pages that
    # need one answer "session expired" to everybody else (tested in plein.reports).
    return world


# --- outcome of one request ---------------------------------------------------------------------------------------


def login_paths() -> set[str]:
    return {resolve_url(django_settings.LOGIN_URL), reverse("admin:login")}


def outcome(client: Client, path: str) -> str:
    """ "allowed", "denied", or what went wrong. GET first; a POST-only route (405) is POSTed with an empty body."""
    for method in ("get", "post"):
        try:
            with transaction.atomic():
                response = getattr(client, method)(path)
                transaction.set_rollback(True)  # a POST changes nothing for the next role
        except Exception as exc:
            return f"raised {exc!r}"
        status = response.status_code
        if status == 405 and method == "get":
            continue
        if status in (401, 403, 404):
            return P.DENIED
        if status in REDIRECTS and urlsplit(response["Location"]).path in login_paths():
            return P.DENIED
        if status >= 500:
            return f"answered {status}"
        return P.ALLOWED
    return "405 for GET and POST"


def run_matrix(world: World, routes) -> dict[str, dict[str, str]]:
    observed = {}
    for route in routes:
        kwargs = world.kwargs.get(route.name)
        path = reverse(route.name, kwargs=kwargs) if kwargs else route.path
        observed[route.name] = {who: outcome(world.clients[who], path) for who in P.WHO}
    return observed


# --- the tests -----------------------------------------------------------------------------------------------------


def test_every_route_has_a_policy_entry_and_every_namespace_is_placed():
    names = {r.name for r in covered_routes()}
    missing = sorted(names - set(P.POLICY))
    assert not missing, (
        "Routes without an entry in the access policy (src/plein/core/access_policy.py POLICY): "
        f"{missing}. Add each with the roles that may use it."
    )
    stale = sorted(set(P.POLICY) - names)
    assert not stale, f"POLICY lists routes that no longer exist: {stale}"
    unplaced = sorted(
        {P.namespace_of(r) for r in iter_routes()} - P.COVERED_NAMESPACES - set(P.NOT_YET_COVERED_NAMESPACES)
    )
    assert not unplaced, f"URL namespaces that are neither in COVERED_NAMESPACES nor NOT_YET_COVERED: {unplaced}"


def test_object_routes_get_real_objects_of_someone_else(world):
    with_parameters = {r.name for r in covered_routes() if "<" in r.route}
    assert with_parameters <= set(world.kwargs), sorted(with_parameters - set(world.kwargs))


def test_every_route_answers_every_role_as_the_policy_says(world):
    routes = covered_routes()
    observed = run_matrix(world, routes)
    if os.environ.get("PLEIN_ACCESS_OBSERVE"):
        print("\n" + P.render_observed(observed))
    failures = compare(observed)
    assert not failures, "Access differs from src/plein/core/access_policy.py:\n" + "\n".join(failures)


def compare(observed: dict[str, dict[str, str]]) -> list[str]:
    failures = []
    for name, row in observed.items():
        allowed = P.POLICY[name].allowed
        for who, got in row.items():
            want = P.ALLOWED if who in allowed else P.DENIED
            if got != want:
                failures.append(f"{name} as {who}: {got}, policy says {want}")
    return failures


def careless_gift_detail(request, pk):
    """A gift page that forgot its object check: any logged-in account sees any gift."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse

    return login_required(lambda r: HttpResponse("gift"))(request)


class CarelessURLConf:
    from django.urls import include, path

    urlpatterns = [
        path("accounts/", include("allauth.urls")),
        path("django-admin/login/", careless_gift_detail, name="admin-login-stand-in"),
        path(
            "verklaringen/",
            include(([path("geschenken/<int:pk>/", careless_gift_detail, name="gift_detail")], "declarations")),
        ),
    ]


def test_the_matrix_catches_a_missing_object_check(world, settings, monkeypatch):
    """A view that forgot its object check (IDOR) is allowed for accounts the policy denies: the comparison fails."""
    route = next(r for r in covered_routes() if r.name == "declarations:gift_detail")
    honest = run_matrix(world, [route])
    assert honest["declarations:gift_detail"][R.EMPLOYEE] == P.DENIED
    assert honest["declarations:gift_detail"][P.OWNER] == P.ALLOWED
    assert not compare(honest)
    settings.ROOT_URLCONF = CarelessURLConf
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "login_paths", lambda: {reverse("account_login")})
    leaky = run_matrix(world, [route])
    failures = compare(leaky)
    assert leaky["declarations:gift_detail"][P.ANONYMOUS] == P.DENIED
    assert f"declarations:gift_detail as {R.EMPLOYEE}: allowed, policy says denied" in failures
    assert f"declarations:gift_detail as {R.FUNCTIONAL_ADMIN}: allowed, policy says denied" in failures
