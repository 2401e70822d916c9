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
    data: dict[str, dict] = field(default_factory=dict)  # route name -> POST data, where an empty POST is 404 for all
    api_headers: dict[str, dict] = field(default_factory=dict)  # API visitor -> request headers (its token)
    secrets: list[str] = field(default_factory=list)  # this organisation's data, never in another's API answer


def _account(organisation, *roles, unit=None, employee_unit=None):
    user = UserFactory()
    EmployeeFactory(organisation=organisation, user=user, email=user.email, unit=employee_unit)
    for role in roles:
        RoleAssignmentFactory(organisation=organisation, user=user, role=role, unit=unit if role == R.MANAGER else None)
    return user


def _reports_objects(organisation, subject_user, handler, investigator, adviser):
    """A channel with the handler (the IC), an investigator and a confidential adviser in its team, one report with an
    attachment that the reporter kept from the adviser (excluded) and whose case is assigned to the investigator."""
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
    for colleague in (investigator, adviser):
        services.set_up_vault(user=colleague, passphrase=VAULT_PASSPHRASE)
        member = services.add_team_member(channel=channel, actor=None, user=colleague)
        member.confirmed_public_key = bytes(HandlerKey.objects.get(user=colleague).public_key)
        member.confirmed_at = timezone.now()
        member.save()
    upload = SimpleUploadedFile("notitie.txt", b"Bijlage bij de melding.", content_type="text/plain")
    submission = services.submit_report(
        channel=channel,
        mode="anonymous",
        answers=[{"key": "wat", "label": "Wat is er gebeurd?", "value": "Iets."}],
        identity=None,
        excluded_user_ids=[adviser.pk],
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
        **_dossiers_objects(submission.report, handler, channel, investigator),
    }


def _dossiers_objects(report, handler, channel, investigator):
    """The report's case with an assignment, an oral record and a reveal request (issue 5); the investigator of the
    team is assigned to it (an investigator sees only the cases assigned to them)."""
    from django.utils import timezone

    from plein.dossiers.models import Assignment, OralRecord, OralRecordVersion, RevealRequest

    case = report.case
    now = timezone.now()
    assignment = Assignment.objects.create(case=case, user=handler, kind="handler", assigned_at=now)
    Assignment.objects.create(case=case, user=investigator, kind="investigator", assigned_at=now)
    record = OralRecord.objects.create(
        case=case, kind="meeting", held_on=now.date(), approval="pending", created_by=handler, created_at=now
    )
    OralRecordVersion.objects.create(record=record, number=1, created_by=handler, created_at=now)
    reveal = RevealRequest.objects.create(case=case, requested_by=handler, reason="consent", requested_at=now)
    by_report = {"pk": report.pk}
    kwargs = dict.fromkeys(
        (
            "dossiers:case",
            "dossiers:transition",
            "dossiers:letter",
            "dossiers:note",
            "dossiers:classify",
            "dossiers:decide",
            "dossiers:extend",
            "dossiers:assign",
            "dossiers:exclude",
            "dossiers:oral_new",
            "dossiers:reveal_request",
        ),
        by_report,
    )
    kwargs["dossiers:unassign"] = {"pk": report.pk, "assignment_pk": assignment.pk}
    kwargs["dossiers:oral_record"] = {"pk": report.pk, "record_pk": record.pk}
    kwargs["dossiers:oral_share"] = {"pk": report.pk, "record_pk": record.pk}
    kwargs["dossiers:reveal_decide"] = {"pk": report.pk, "request_pk": reveal.pk}
    kwargs["dossiers:reveal_show"] = {"pk": report.pk, "request_pk": reveal.pk}
    kwargs["dossiers:reporter_oral"] = {"record_pk": record.pk}
    kwargs["dossiers:reporter_consent"] = {"request_pk": reveal.pk}
    kwargs["dossiers:workflow"] = {"code": channel.code}
    kwargs["dossiers_oversight:statistics_export"] = {"fmt": "csv"}
    return kwargs


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


def _learning_objects(organisation, subject, ic):
    """An event whose attendance list the subject keeps and is registered for, an e-learning package, a rule."""
    from django.core.files.base import ContentFile

    from plein.learning.models import Kind, Registration
    from plein.learning.tests.factories import EventFactory, RequirementFactory

    event = EventFactory(organisation=organisation, date=TODAY + dt.timedelta(days=30))
    event.hosts.add(subject)
    Registration.objects.create(event=event, employee=subject, status=Registration.Status.REGISTERED)
    module = EventFactory(organisation=organisation, kind=Kind.ELEARNING, date=TODAY, start_time=None, end_time=None)
    module.module_file.save("module.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=True)
    requirement = RequirementFactory(organisation=organisation)
    kwargs = dict.fromkeys(
        (
            "learning:event_detail",
            "learning:event_edit",
            "learning:register",
            "learning:unregister",
            "learning:event_ics",
            "learning:attendance",
            "learning:attendance_update",
            "learning:attendance_add",
        ),
        {"pk": event.pk},
    )
    for name in ("learning:module_download", "learning:complete"):
        kwargs[name] = {"pk": module.pk}
    kwargs["learning:record"] = {"pk": subject.pk}
    kwargs["learning:requirement_stop"] = {"pk": requirement.pk}
    data = {"learning:attendance_update": {"employee": subject.pk, "action": "no-such-action"}}
    return kwargs, data


def _deliberation_objects(organisation, subject, unit_manager_user, ic):
    """The subject asked for a session, leads it as its facilitator and proposed a dilemma; the manager of the
    subject's unit takes part. The facilitator role's own account is assigned to nothing here (IDOR), and the IC
    plans the session but must not see what is said in it."""
    from plein.core.selectors import employee_for
    from plein.deliberation import services
    from plein.deliberation.models import LibraryEntry
    from plein.deliberation.tests.factories import (
        EntryFactory,
        FacilitatorFactory,
        RequestFactory,
        SessionFactory,
        participant,
    )

    services.install_builtin_methods()
    facilitator = FacilitatorFactory(organisation=organisation, employee=subject)
    request = RequestFactory(organisation=organisation, requester=subject, requested_by=subject.user)
    session = SessionFactory(organisation=organisation, request=request, facilitators=[facilitator])
    participant(session, employee=employee_for(unit_manager_user))
    proposal = EntryFactory(
        organisation=organisation,
        status=LibraryEntry.Status.PROPOSED,
        number=None,
        published_at=None,
        proposed_by=subject.user,
    )
    published = EntryFactory(organisation=organisation)
    monthly = services.choose_dilemma_of_the_month(actor=ic, entry=published, month=TODAY)
    by_session = {"pk": session.pk}
    kwargs = dict.fromkeys(
        (
            "deliberation:session_plan",
            "deliberation:session_invite",
            "deliberation:session_cancel",
            "deliberation:workspace",
            "deliberation:session_start",
            "deliberation:session_code",
            "deliberation:session_step",
            "deliberation:session_present",
            "deliberation:session_dilemma",
            "deliberation:session_choice",
            "deliberation:session_matrix",
            "deliberation:session_close",
            "deliberation:projection",
            "deliberation:projection_live",
            "deliberation:participate",
            "deliberation:participate_live",
            "deliberation:record_pdf",
            "deliberation:propose",
        ),
        by_session,
    )
    kwargs["deliberation:session_text"] = {"pk": session.pk, "part": "casus"}
    kwargs["deliberation:session_add"] = {"pk": session.pk, "kind": "betrokkene"}
    kwargs["deliberation:session_remove"] = {"pk": session.pk, "kind": "feit", "item": 1}
    for name in (
        "deliberation:request_detail",
        "deliberation:request_plan",
        "deliberation:request_decline",
        "deliberation:request_withdraw",
    ):
        kwargs[name] = {"pk": request.pk}
    kwargs["deliberation:facilitator_edit"] = {"pk": facilitator.pk}
    version = session.method_version
    kwargs["deliberation:method_detail"] = {"pk": version.pk}
    kwargs["deliberation:method_change"] = {"pk": version.pk}
    for name in (
        "deliberation:library_entry",
        "deliberation:proposal_change",
        "deliberation:library_review",
        "deliberation:library_withdraw",
        "deliberation:library_feature",
    ):
        kwargs[name] = {"pk": proposal.pk}
    kwargs["deliberation:monthly_vote"] = {"pk": monthly.pk}
    return kwargs


def _portal_objects(organisation, ic):
    """A code of conduct in force with an acknowledgement campaign, and an open poll."""
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from wagtail.documents import get_document_model

    from plein.portal import services

    document = services.create_policy_document(
        organisation=organisation, actor=ic, title="Gedragscode", kind="gedragscode"
    )
    file = get_document_model()(title="Gedragscode.pdf", collection=services.documents_collection())
    file.file.save("gedragscode.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    file.save()
    version = services.add_policy_version(
        document=document,
        actor=ic,
        version="2025",
        status="geldend",
        adopted_on=TODAY,
        adopted_by="Gedeputeerde Staten",
        review_on=TODAY + dt.timedelta(days=3 * 365),
        file=file,
    )
    campaign = services.start_acknowledgement_campaign(version=version, actor=ic)
    now = timezone.now()
    poll = services.create_poll(
        organisation=organisation,
        actor=ic,
        question="Weet je bij wie je terecht kunt?",
        options=["Ja", "Nee"],
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=7),
        now=now - dt.timedelta(days=2),
    )
    kwargs = {name: {"pk": poll.pk} for name in ("portal:poll_detail", "portal:poll_vote", "portal:poll_edit")}
    kwargs["portal:poll_close"] = {"pk": poll.pk}
    for name in ("portal:policy_document", "portal:policy_document_edit", "portal:policy_version_create"):
        kwargs[name] = {"pk": document.pk}
    for name in ("portal:acknowledge", "portal:policy_version_edit", "portal:campaign_start"):
        kwargs[name] = {"pk": version.pk}
    for name in ("portal:campaign_close", "portal:campaign_coverage"):
        kwargs[name] = {"pk": campaign.pk}
    return kwargs


def _annual_report_objects(organisation, ic):
    """A published report of last year (its PDF already made), a draft year, a plan action, and a file that the IC
    asked for (someone else's file: the competent authority and the auditor must not get it)."""
    from plein.annual_report import selectors
    from plein.annual_report.models import AnnualReport, GenerationJob, PlanAction

    published_year, draft_year = TODAY.year - 1, TODAY.year
    AnnualReport.objects.create(
        organisation=organisation,
        year=published_year,
        status=AnnualReport.Status.PUBLISHED,
        snapshot={
            "data": selectors.build_report(organisation, published_year, published=True, today=TODAY),
            "texts": selectors.texts_of(None),
        },
        published_pdf=b"%PDF-1.4\n%%EOF\n",
    )
    job = GenerationJob.objects.create(
        organisation=organisation,
        year=draft_year,
        format="json",
        requested_by=ic,
        state=GenerationJob.State.DONE,
        content=b"{}",
    )
    action = PlanAction.objects.create(
        organisation=organisation, title="Gedragscode herzien", theme="beleid", owner="IC", planned_year=draft_year
    )
    kwargs = {
        name: {"year": published_year}
        for name in ("annual_report:public_report", "annual_report:public_pdf", "annual_report:public_json")
    }
    for name in (
        "annual_report:report",
        "annual_report:submit",
        "annual_report:approve",
        "annual_report:publish",
        "annual_report:reopen",
        "annual_report:file_request",
    ):
        kwargs[name] = {"year": draft_year}
    kwargs["annual_report:edit_section"] = {"year": draft_year, "section": "inleiding"}
    for name in ("annual_report:job", "annual_report:job_status", "annual_report:job_download"):
        kwargs[name] = {"pk": job.pk}
    for name in ("annual_report:plan_edit", "annual_report:plan_delete"):
        kwargs[name] = {"pk": action.pk}
    return kwargs


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the whole module, built once inside a transaction that is rolled back at the end (each test
    runs in a savepoint of it, so what a test changes is undone before the next)."""
    from django.core.cache import cache
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        cache.clear()
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> World:
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
    world.kwargs.update(
        _reports_objects(organisation, subject_user, ic, accounts[R.INVESTIGATOR], accounts[R.CONFIDENTIAL_ADVISER])
    )
    world.kwargs.update(_oaths_objects(organisation, subject))
    world.kwargs.update(_positions_objects(organisation, subject, ic))
    world.kwargs.update(_declarations_objects(organisation, subject, ic))
    world.kwargs.update(_consultations_objects(organisation, ic))
    learning_kwargs, learning_data = _learning_objects(organisation, subject, ic)
    world.kwargs.update(learning_kwargs)
    world.data.update(learning_data)
    world.kwargs.update(_deliberation_objects(organisation, subject, accounts[P.UNIT_MANAGER], ic))
    world.kwargs.update(_portal_objects(organisation, ic))
    world.kwargs.update(_annual_report_objects(organisation, ic))
    world.kwargs["core:role_account"] = {"user_id": subject_user.pk}
    facilitator = RoleAssignmentFactory(organisation=organisation, user=subject_user, role=R.FACILITATOR)
    world.kwargs["core:role_revoke"] = {"user_id": subject_user.pk, "assignment_id": facilitator.pk}
    from plein.api import services as api_services

    token, secret = api_services.create_token(organisation=organisation, name="HR-koppeling", scopes=[API_SCOPE])
    world.kwargs["api_tokens:revoke"] = {"token_id": token.pk}
    _wrong, wrong_scope = api_services.create_token(organisation=organisation, name="Lezer", scopes=["registers.read"])
    _other, other_token = api_services.create_token(organisation=other, name="HR elders", scopes=[API_SCOPE])
    world.api_headers = {
        P.NO_TOKEN: {},
        P.WRONG_SCOPE: {"HTTP_AUTHORIZATION": f"Bearer {wrong_scope}"},
        P.OTHER_ORGANISATION_TOKEN: {"HTTP_AUTHORIZATION": f"Bearer {other_token}"},
        P.RIGHT_SCOPE: {"HTTP_AUTHORIZATION": f"Bearer {secret}"},
    }
    world.kwargs["api:person-detail"] = {"personnel_number": subject.personnel_number}
    world.kwargs["api:unit-detail"] = {"path": subject_unit.path}
    world.kwargs["api:position-detail"] = {"code": subject.position.code}
    # What no other organisation's token may ever see in an answer.
    world.secrets = [f'"{value}"' for value in (subject.personnel_number, subject_unit.name, subject.position.code)]
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


def outcome(client: Client, path: str, data: dict | None = None) -> str:
    """ "allowed", "denied", or what went wrong. GET first; a POST-only route (405) is POSTed with an empty body (or
    with ``data``, for the few routes where an empty POST is "not found" for everybody)."""
    for method in ("get", "post"):
        try:
            with transaction.atomic():
                response = client.get(path) if method == "get" else client.post(path, data or {})
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
        data = world.data.get(route.name)
        observed[route.name] = {who: outcome(world.clients[who], path, data) for who in P.WHO}
    return observed


# --- the tests -----------------------------------------------------------------------------------------------------


# --- the REST API: the same routes walk, with token visitors (access_policy.API_POLICY) ---------------------------------


def api_routes():
    return [r for r in iter_routes() if P.namespace_of(r) in P.API_NAMESPACES]


def api_methods(route) -> list[str]:
    """The methods a route answers: a REST framework view set names them; other views are read with GET."""
    actions = getattr(route.callback, "actions", None)
    return sorted(actions) if actions else ["get"]


def api_outcome(world: World, who: str, path: str, method: str) -> str:
    client = world.clients[R.INTEGRITY_COORDINATOR] if who == P.SESSION else Client()
    headers = world.api_headers.get(who, {})
    try:
        with transaction.atomic():
            if method in ("get", "head", "options"):
                response = getattr(client, method)(path, **headers)
            else:
                response = getattr(client, method)(path, data="{}", content_type="application/json", **headers)
            transaction.set_rollback(True)
    except Exception as exc:
        return f"raised {exc!r}"
    status = response.status_code
    if status in (401, 403, 404):
        return P.DENIED
    if status >= 500 or status in REDIRECTS:
        return f"answered {status}"
    body = response.content.decode(errors="replace")
    if who == P.OTHER_ORGANISATION_TOKEN and any(secret in body for secret in world.secrets):
        return "allowed, WITH THIS ORGANISATION'S DATA"
    return P.ALLOWED


def run_api_matrix(world: World, routes) -> dict[str, dict[str, str]]:
    observed = {}
    for route in routes:
        kwargs = world.kwargs.get(route.name)
        path = reverse(route.name, kwargs=kwargs) if kwargs else route.path
        row = {}
        for who in P.API_WHO:
            answers = {method: api_outcome(world, who, path, method) for method in api_methods(route)}
            agreed = set(answers.values())
            row[who] = agreed.pop() if len(agreed) == 1 else f"differs per method: {answers}"
        observed[route.name] = row
    return observed


def test_every_api_route_has_a_policy_entry():
    names = {r.name for r in api_routes()}
    assert names, "no API routes found"
    assert not sorted(names - set(P.API_POLICY)), (
        f"API routes without an entry in access_policy.API_POLICY: {sorted(names - set(P.API_POLICY))}"
    )
    assert not sorted(set(P.API_POLICY) - names), "API_POLICY lists routes that no longer exist"


def test_every_api_route_answers_every_token_as_the_policy_says(world):
    observed = run_api_matrix(world, api_routes())
    failures = [
        f"{name} as {who}: {got}, policy says {P.ALLOWED if who in P.API_POLICY[name].allowed else P.DENIED}"
        for name, row in observed.items()
        for who, got in row.items()
        if got != (P.ALLOWED if who in P.API_POLICY[name].allowed else P.DENIED)
    ]
    assert not failures, "API access differs from access_policy.API_POLICY:\n" + "\n".join(failures)
    # The detail routes were asked about this organisation's records: the right token got them.
    assert observed["api:person-detail"][P.RIGHT_SCOPE] == P.ALLOWED


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
        {P.namespace_of(r) for r in iter_routes()}
        - P.COVERED_NAMESPACES
        - P.API_NAMESPACES
        - set(P.NOT_YET_COVERED_NAMESPACES)
    )
    assert not unplaced, f"URL namespaces that are neither in COVERED_NAMESPACES nor NOT_YET_COVERED: {unplaced}"


def test_object_routes_get_real_objects_of_someone_else(world):
    with_parameters = {r.name for r in covered_routes() if "<" in r.route}
    assert with_parameters <= set(world.kwargs), sorted(with_parameters - set(world.kwargs))


def test_every_route_answers_every_role_as_the_policy_says(world):
    routes = covered_routes()
    only = os.environ.get("PLEIN_ACCESS_ONLY")  # "learning,portal": a quick run over some namespaces while working
    if only:
        routes = [r for r in routes if P.namespace_of(r) in only.split(",")]
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
