"""The number of queries of a page does not grow with the data (issue 12, plein.core.querycount).

Each line of ``CASES`` is one page: its URL name, the role that asks for it, the grower that adds the records the
page shows, and for a detail page the object. The test grows the data to ``SMALL`` units, counts the page's queries,
grows to ``LARGE`` (three times as much) and counts again: the counts must be equal. A new page is covered by adding
one line here; a new app adds a grower (records of every kind its pages show, made through its services where
those are cheap, otherwise with its factories).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from plein.core import roles as R
from plein.core.models import OrgUnit, RoleAssignment, StructureRole, User
from plein.core.querycount import LARGE, SMALL, QueryCase, count_queries, explain_difference
from plein.core.services.audit import record_event
from plein.core.tests.factories import (
    EmployeeFactory,
    OrganisationFactory,
    OrgUnitFactory,
    PositionFactory,
    RoleAssignmentFactory,
    StructureRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VAULT_PASSPHRASE = "correct horse battery vault"


class World:
    """One organisation whose data grows step by step; the accounts that look at it; anchors for detail pages."""

    def __init__(self) -> None:
        self.organisation = OrganisationFactory()
        self.top = OrgUnitFactory(organisation=self.organisation, name="Directie", kind=OrgUnit.Kind.DIRECTORATE)
        self.today = timezone.localdate()
        self.sizes: dict[str, int] = {}
        self.anchors: dict[str, object] = {}
        self.users: dict[str | None, User] = {}
        self.serial = 0

    # --- helpers ------------------------------------------------------------------------------------------------

    def next(self) -> int:
        self.serial += 1
        return self.serial

    def team(self) -> OrgUnit:
        n = self.next()
        return OrgUnitFactory(organisation=self.organisation, parent=self.top, name=f"Team {n}")

    def employee(self, *, unit=None, position=None, user=None, **fields):
        fields.setdefault("start_date", dt.date(2015, 1, 1))
        unit = unit or self.top
        position = position or PositionFactory(organisation=self.organisation, unit=unit)
        return EmployeeFactory(organisation=self.organisation, unit=unit, position=position, user=user, **fields)

    def user(self, role: str | None) -> User:
        """The account that requests the pages in ``role`` (an employee record in the top unit, plus the role)."""
        if role not in self.users:
            account = UserFactory()
            self.employee(user=account, email=account.email, start_date=dt.date(2012, 3, 1))
            if role not in (None, R.EMPLOYEE):
                RoleAssignmentFactory(
                    organisation=self.organisation,
                    user=account,
                    role=role,
                    unit=self.top if role == R.MANAGER else None,
                )
            self.users[role] = account
        return self.users[role]

    def anchor(self, name: str):
        return self.anchors[name]

    def grow(self, name: str, size: int, step) -> None:
        for i in range(self.sizes.get(name, 0), size):
            step(self, i)
        self.sizes[name] = max(size, self.sizes.get(name, 0))


# --- growers: each adds ``size`` units of the records an app's pages show --------------------------------------------


def _core_step(world: World, i: int) -> None:
    team = world.team()
    position = PositionFactory(organisation=world.organisation, unit=team)
    boss = world.employee(unit=team, position=position, start_date=dt.date(2010, 1, 1) + dt.timedelta(days=i))
    account = UserFactory()
    world.employee(unit=team, position=position, manager=boss, user=account, email=account.email)
    world.employee(unit=team, manager=boss, end_date=world.today - dt.timedelta(days=3))
    RoleAssignmentFactory(organisation=world.organisation, user=account, role=R.EDITOR)
    StructureRoleFactory(
        organisation=world.organisation, kind=StructureRole.Kind.CONFIDENTIAL_ADVISER_INTERNAL, employee=boss
    )
    StructureRoleFactory(
        organisation=world.organisation, kind=StructureRole.Kind.WORKS_COUNCIL, employee=None, name=f"OR {i}"
    )
    # The account whose role history the role administration shows: one more granted and revoked role per step.
    if "account" not in world.anchors:
        holder = UserFactory()
        world.employee(user=holder, email=holder.email)
        world.anchors["account"] = holder
    holder = world.anchor("account")
    RoleAssignment.objects.create(
        organisation=world.organisation,
        user=holder,
        role=R.ASSIGNABLE_ROLES[i % len(R.ASSIGNABLE_ROLES)],
        unit=team,
        granted_by=world.user(R.FUNCTIONAL_ADMIN),
        revoked_at=timezone.now(),
        revoked_by=world.user(R.FUNCTIONAL_ADMIN),
    )
    record_event(actor=account, action="querycount.step", organisation=world.organisation, target=boss, data={"i": i})


def grow_core(world: World, size: int) -> None:
    world.grow("core", size, _core_step)


def _oaths_step(world: World, i: int) -> None:
    from plein.oaths.models import Ceremony, CeremonyDilemma, Form, Registration
    from plein.oaths.tests.factories import CeremonyFactory, texts

    if "ceremony" not in world.anchors:
        texts(world.organisation)
        world.anchors["ceremony"] = CeremonyFactory(
            organisation=world.organisation, date=world.today + dt.timedelta(days=30), capacity=500
        )
    ceremony = world.anchor("ceremony")
    team = world.team()
    past = CeremonyFactory(organisation=world.organisation, date=world.today - dt.timedelta(days=40 + i), capacity=50)
    for k in range(2):
        sworn = world.employee(unit=team, start_date=past.date - dt.timedelta(days=20), employment_type="vast")
        Registration.objects.create(
            organisation=world.organisation,
            employee=sworn,
            ceremony=past,
            form=Form.OATH if k else Form.AFFIRMATION,
            status=Registration.Status.TAKEN,
            source=Registration.Source.CEREMONY,
            taken_on=past.date,
            period_start=sworn.start_date,
            sworn_before="Jolanda ter Horst (provinciesecretaris)",
        )
    newcomer = world.employee(
        unit=team, start_date=world.today - dt.timedelta(days=20 + i), employment_type="tijdelijk"
    )
    Registration.objects.create(
        organisation=world.organisation, employee=newcomer, ceremony=ceremony, form=Form.OATH, registered_by=None
    )
    world.employee(
        unit=team, start_date=world.today - dt.timedelta(days=200 + i), employment_type="stagiair"
    )  # overdue
    CeremonyDilemma.objects.create(ceremony=ceremony, question=f"Dilemma {i}: wat doe je?")
    Ceremony.objects.filter(pk=ceremony.pk).update(capacity=500)


def grow_oaths(world: World, size: int) -> None:
    world.grow("oaths", size, _oaths_step)


def _designated_values(world: World, *, reviewed_on, publish=True, financial=True) -> dict:
    from plein.positions import services

    values = services.profile_values(None)
    values.update(
        vulnerable_areas={"geld": "Keurt betalingen goed.", "informatie": "Vertrouwelijke informatie."},
        risk_level="hoog",
        vog_required=True,
        vog_screening_areas=["geld"],
        financial_interests=financial,
        publish_outside_activities=publish,
        reviewed_on=reviewed_on,
    )
    return values


def _positions_step(world: World, i: int) -> None:
    from plein.positions import services
    from plein.positions.models import OutsideActivitiesTalk, ReviewItem, ReviewRound, VogScreening

    hr = world.user(R.HR)
    if "position" not in world.anchors:
        position = PositionFactory(organisation=world.organisation, unit=world.top)
        services.save_profile(actor=hr, position=position, values=_designated_values(world, reviewed_on=world.today))
        world.anchors["position"] = position
        world.anchors["person"] = world.employee(position=position, start_date=world.today - dt.timedelta(days=30))
        world.anchors["round"] = ReviewRound.objects.create(
            organisation=world.organisation,
            title="Inventarisatie",
            unit=world.top,
            unit_path=world.top.path,
            due_date=world.today + dt.timedelta(days=30),
            started_by=world.user(R.INTEGRITY_COORDINATOR),
            started_at=timezone.now(),
        )
    team = world.team()
    position = PositionFactory(organisation=world.organisation, unit=team)
    # Half of the inventory lapsed years ago, half is current; every profile has two versions in its history.
    reviewed = world.today - dt.timedelta(days=(9 * 365 if i % 2 else 30) + i)
    services.save_profile(
        actor=hr, position=position, values=_designated_values(world, reviewed_on=reviewed - dt.timedelta(days=400))
    )
    services.save_profile(actor=hr, position=position, values=_designated_values(world, reviewed_on=reviewed))
    old_hand = world.employee(unit=team, position=position, start_date=dt.date(2012, 1, 1))
    new_hire = world.employee(unit=team, position=position, start_date=world.today - dt.timedelta(days=10 + i))
    VogScreening.objects.create(
        organisation=world.organisation,
        employee=old_hand,
        position=position,
        requested_on=world.today - dt.timedelta(days=400),
        received_on=world.today - dt.timedelta(days=390),
        valid_from=world.today - dt.timedelta(days=390),
        rescreening_due=world.today + dt.timedelta(days=1000),
        recorded_by=hr,
    )
    OutsideActivitiesTalk.objects.create(
        organisation=world.organisation, employee=new_hire, held_on=world.today - dt.timedelta(days=12), recorded_by=hr
    )
    ReviewItem.objects.create(
        round=world.anchor("round"),
        position=position,
        unit=team,
        unit_path=team.path,
        status=ReviewItem.Status.SUBMITTED if i % 2 else ReviewItem.Status.PENDING,
        reviewed_by=world.user(R.MANAGER) if i % 2 else None,
        reviewed_at=timezone.now() if i % 2 else None,
    )
    # The anchor position: one more holder and one more version; the anchor person: one more VOG.
    world.employee(unit=team, position=world.anchor("position"), start_date=dt.date(2014, 1, 1) + dt.timedelta(days=i))
    services.save_profile(
        actor=hr,
        position=world.anchor("position"),
        values=_designated_values(world, reviewed_on=world.today - dt.timedelta(days=i + 1)),
    )
    VogScreening.objects.create(
        organisation=world.organisation,
        employee=world.anchor("person"),
        position=world.anchor("position"),
        requested_on=world.today - dt.timedelta(days=100 * (i + 1)),
        received_on=world.today - dt.timedelta(days=100 * (i + 1) - 5),
        valid_from=world.today - dt.timedelta(days=100 * (i + 1) - 5),
        recorded_by=hr,
    )


def grow_positions(world: World, size: int) -> None:
    world.grow("positions", size, _positions_step)


def _activity_data(i: int, **overrides) -> dict:
    data = {
        "external_organisation": f"Stichting {i}",
        "role": "Penningmeester",
        "paid": bool(i % 2),
        "hours_per_month": 4 + i % 5,
        "start_date": dt.date(2024, 1, 1),
        "end_date": None,
        "relation_to_work": "",
        "conflict_of_interest": False,
        "uses_information": False,
        "time_burden": False,
        "reputation_risk": False,
        "risk_explanation": "",
    }
    data.update(overrides)
    return data


def _declarations_step(world: World, i: int) -> None:
    from plein.declarations import services
    from plein.declarations.models import (
        ActivityEvent,
        Campaign,
        Decision,
        FinancialInterest,
        Participant,
    )
    from plein.positions import services as positions_services

    ic = world.user(R.INTEGRITY_COORDINATOR)
    me = world.user(R.EMPLOYEE)
    today = world.today
    if "campaign" not in world.anchors:
        # The employee's own position is designated, so that their page shows financial interests too.
        positions_services.save_profile(
            actor=None, position=me.employee.position, values=_designated_values(world, reviewed_on=today)
        )
        world.anchors["campaign"] = Campaign.objects.create(
            organisation=world.organisation,
            year=today.year,
            scope=Campaign.Scope.ALL,
            started_on=today,
            deadline=today + dt.timedelta(days=30),
            started_by=ic,
        )
        world.anchors["activity"] = services.declare_activity(
            actor=me, employee=me.employee, data=_activity_data(0), today=today
        )
        world.anchors["candidate"] = services.create_candidate(
            actor=ic,
            organisation=world.organisation,
            first_name="Kandidaat",
            last_name="Anker",
            start_date=today + dt.timedelta(days=30),
            interview_on=today,
        )
    team = world.team()
    position = PositionFactory(organisation=world.organisation, unit=team)
    positions_services.save_profile(actor=None, position=position, values=_designated_values(world, reviewed_on=today))
    person = world.employee(unit=team, position=position)
    allowed = services.declare_activity(actor=None, employee=person, data=_activity_data(i), today=today)
    services.decide_activity(
        actor=ic,
        activity=allowed,
        decision=Decision.ALLOWED,
        reasons="Geen bezwaar.",
        conditions="",
        today=today,
        as_coordinator=True,
    )
    services.declare_activity(actor=None, employee=person, data=_activity_data(i + 100, paid=True), today=today)
    gift = services.GiftInput(
        kind="geschenk",
        direction="ontvangen",
        counterparty=f"Leverancier {i}",
        description="Kerstpakket",
        occasion="Kerst",
        estimated_value=Decimal("75.00") if i % 2 else Decimal("20.00"),
        date=today - dt.timedelta(days=i),
    )
    services.declare_gift(actor=None, employee=person, data=gift, today=today)
    services.declare_gift(actor=me, employee=me.employee, data=gift, today=today)
    services.declare_financial_interest(
        actor=None,
        employee=person,
        kind=FinancialInterest.Kind.INTEREST,
        description=f"Aandelen {i}",
        institution=f"Bedrijf {i}",
        today=today,
    )
    services.declare_financial_interest(
        actor=me,
        employee=me.employee,
        kind=FinancialInterest.Kind.INTEREST,
        description=f"Eigen aandelen {i}",
        institution=f"Fonds {i}",
        today=today,
    )
    services.declare_activity(actor=me, employee=me.employee, data=_activity_data(i + 200), today=today)
    candidate = services.create_candidate(
        actor=ic,
        organisation=world.organisation,
        first_name="Kandidaat",
        last_name=f"Nummer {i}",
        position=position,
        unit=team,
        start_date=today + dt.timedelta(days=20),
        interview_on=today,
    )
    services.record_candidate_activity(actor=ic, candidate=candidate, data=_activity_data(i + 300), today=today)
    services.record_candidate_activity(
        actor=ic, candidate=world.anchor("candidate"), data=_activity_data(i + 400), today=today
    )
    Participant.objects.create(campaign=world.anchor("campaign"), employee=person, unit=team)
    ActivityEvent.objects.create(
        activity=world.anchor("activity"),
        kind=ActivityEvent.Kind.CHANGED,
        occurred_at=timezone.now(),
        actor=me,
        actor_name=str(me),
        text=f"Uren aangepast ({i})",
    )


def grow_declarations(world: World, size: int) -> None:
    world.grow("declarations", size, _declarations_step)


def _reports_step(world: World, i: int) -> None:
    from plein.reports import crypto, services
    from plein.reports.models import HandlerKey, ReportKey
    from plein.reports.questionnaire import DEFAULT_QUESTIONNAIRE

    handler = world.user(R.INTEGRITY_COORDINATOR)

    def channel(code: str):
        made = services.create_channel(
            organisation=world.organisation,
            actor=None,
            code=code,
            name=f"Kanaal {code}",
            description="Wat u hier kunt melden.",
            questionnaire=DEFAULT_QUESTIONNAIRE,
            anonymity_allowed=True,
            retention_days=365,
            category="",
            is_active=True,
            order=0,
        )
        membership = services.add_team_member(channel=made, actor=None, user=handler)
        if membership.confirmed_at is None:
            membership.confirmed_public_key = bytes(HandlerKey.objects.get(user=handler).public_key)
            membership.confirmed_at = timezone.now()
            membership.save()
        member = world.user(R.CONFIDENTIAL_ADVISER)
        services.add_team_member(channel=made, actor=None, user=member)
        return made

    def submit(into, n: int, mode: str = "anonymous"):
        return services.submit_report(
            channel=into,
            mode=mode,
            answers=[{"key": "wat", "label": "Wat is er gebeurd?", "value": f"Melding {n}"}],
            identity={"name": f"Melder {n}"} if mode != "anonymous" else None,
            form_token=services.issue_form_token(),
        ).report

    if "report" not in world.anchors:
        _record, recovery = services.set_up_reporting(organisation=world.organisation, actor=None)
        world.anchors["recovery"] = crypto.parse_recovery_key(recovery)
        services.set_up_vault(user=handler, passphrase=VAULT_PASSPHRASE)
        world.anchors["channel"] = channel("misstand")
        world.anchors["report"] = submit(world.anchor("channel"), 0, mode="confidential")
    report = world.anchor("report")
    wrapped = ReportKey.objects.get(report=report, kind=ReportKey.Kind.RECOVERY).wrapped_key
    report_key = crypto.unseal(world.anchor("recovery"), bytes(wrapped))
    services.add_reporter_message(report=report, report_key=report_key, text=f"Aanvulling {i}")
    services.add_team_message(report=report, actor=handler, report_key=report_key, text=f"Antwoord {i}")
    submit(world.anchor("channel"), i + 1, mode="named" if i % 2 else "anonymous")
    submit(channel(f"kanaal-{i}"), i + 1000)


def grow_reports(world: World, size: int) -> None:
    world.grow("reports", size, _reports_step)


def _dossiers_step(world: World, i: int) -> None:
    from plein.dossiers import services
    from plein.reports import crypto
    from plein.reports.models import ReportKey

    handler = world.user(R.INTEGRITY_COORDINATOR)
    report = world.anchor("report")
    wrapped = ReportKey.objects.get(report=report, kind=ReportKey.Kind.RECOVERY).wrapped_key
    report_key = crypto.unseal(world.anchor("recovery"), bytes(wrapped))
    case = services.ensure_case(report)
    # The case page of the anchor report: one more note, and conversation record per step; the
    # settings: one more category.
    services.add_note(case=case, actor=handler, report_key=report_key, text=f"Notitie {i}")
    services.add_oral_record(
        case=case,
        actor=handler,
        report_key=report_key,
        kind="phone" if i % 2 else "meeting",
        held_on=world.today - dt.timedelta(days=i),
        text=f"Gesprek {i}",
    )
    if i == 0:  # one open identity request per handler at a time
        services.request_reveal(
            case=case, actor=handler, report_key=report_key, reason="investigation", explanation="Onderzoek"
        )
    services.save_categories(
        organisation=world.organisation,
        actor=handler,
        rows=[(f"categorie_{k}", f"Categorie {k}") for k in range(i + 1)],
    )


def grow_dossiers(world: World, size: int) -> None:
    """Reports (through the reporting channel's services, with their cases) and the handling of the anchor case."""
    grow_reports(world, size)
    world.grow("dossiers", size, _dossiers_step)


def _portal_step(world: World, i: int) -> None:
    from wagtail.documents import get_document_model

    from plein.portal import services
    from plein.portal.models import NewsPage

    ic = world.user(R.INTEGRITY_COORDINATOR)
    if "portal" not in world.anchors:
        world.anchors["portal"] = services.ensure_portal_setup()
    setup = world.anchor("portal")
    page = NewsPage(title=f"Nieuws {i}", intro="Kort bericht.", date=world.today - dt.timedelta(days=i))
    setup.news_index.add_child(instance=page)
    page.save_revision().publish()
    document = services.create_policy_document(
        organisation=world.organisation, actor=ic, title=f"Regeling {i}", kind="regeling"
    )
    Document = get_document_model()
    file = Document(title=f"Regeling {i}", collection=services.documents_collection())
    file.file.save(f"regeling-{i}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    file.save()
    version = services.add_policy_version(
        document=document,
        actor=ic,
        version="1",
        status="geldend",
        adopted_on=dt.date(2024, 1, 1),
        review_on=dt.date(2026 + (i % 5), 6, 1),
        file=file,
    )
    campaign = services.start_acknowledgement_campaign(version=version, actor=ic)
    if "policy_campaign" not in world.anchors:
        world.anchors["policy_document"] = document
        world.anchors["policy_campaign"] = campaign
    anchor_version = world.anchor("policy_campaign").version
    for _k in range(2):
        services.acknowledge(version=anchor_version, employee=world.employee(unit=world.team()), actor=ic)
    services.add_policy_version(
        document=world.anchor("policy_document"),
        actor=ic,
        version=f"0.{i + 1}",
        status="vervallen",
        adopted_on=dt.date(2020, 1, 1) + dt.timedelta(days=i),
        review_on=dt.date(2023, 1, 1),
        file=file,
    )
    now = timezone.now()
    poll = services.create_poll(
        organisation=world.organisation,
        actor=ic,
        question=f"Vraag {i}",
        options=["Ja", "Nee", "Weet niet"],
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=7),
        now=now - dt.timedelta(days=2),
    )
    if "poll" not in world.anchors:
        world.anchors["poll"] = poll
    services.vote(
        poll=world.anchor("poll"), option_id=world.anchor("poll").options.first().pk, employee=world.employee()
    )


def grow_portal(world: World, size: int) -> None:
    world.grow("portal", size, _portal_step)


def _learning_step(world: World, i: int) -> None:
    from plein.learning import services
    from plein.learning.models import Attendance, Kind
    from plein.learning.tests.factories import CourseFactory, EventFactory, RequirementFactory

    ic = world.user(R.INTEGRITY_COORDINATOR)
    me = world.user(R.EMPLOYEE)
    if "event" not in world.anchors:
        world.anchors["event"] = EventFactory(
            organisation=world.organisation, date=world.today + dt.timedelta(days=14), capacity=500
        )
    course = CourseFactory(organisation=world.organisation)
    RequirementFactory(organisation=world.organisation, course=course)
    upcoming = EventFactory(
        organisation=world.organisation,
        course=course,
        kind=Kind.TRAINING,
        date=world.today + dt.timedelta(days=20 + i),
    )
    held = EventFactory(organisation=world.organisation, course=course, date=world.today - dt.timedelta(days=20 + i))
    team = world.team()
    for _k in range(2):
        person = world.employee(unit=team)
        services.register(actor=ic, event=upcoming, employee=person)
        services.register(actor=ic, event=world.anchor("event"), employee=person)
        Attendance.objects.create(
            event=held, employee=person, attended_on=held.date, source=Attendance.Source.LIST, recorded_by=ic
        )
    Attendance.objects.create(
        event=held, employee=me.employee, attended_on=held.date, source=Attendance.Source.LIST, recorded_by=ic
    )


def grow_learning(world: World, size: int) -> None:
    world.grow("learning", size, _learning_step)


def _consultations_step(world: World, i: int) -> None:
    from plein.consultations import selectors, services

    ic = world.user(R.INTEGRITY_COORDINATOR)
    services.ensure_default_lists(world.organisation)
    if "consultation" not in world.anchors:
        services.update_settings(actor=ic, organisation=world.organisation, record_names=True)
    # One more topic and action in the lists, a record by the coordinator and one by a new confidential adviser
    # (the handler filter lists every handler), and one more change in the anchor record's history.
    topic = services.save_list_entry(
        actor=ic,
        organisation=world.organisation,
        kind="topic",
        code=f"onderwerp_{i}",
        name_nl=f"Onderwerp {i}",
        name_en=f"Topic {i}",
        order=100 + i,
    )
    action = services.save_list_entry(
        actor=ic,
        organisation=world.organisation,
        kind="action",
        code=f"afhandeling_{i}",
        name_nl=f"Afhandeling {i}",
        name_en=f"Action {i}",
        order=100 + i,
    )
    adviser = UserFactory()
    world.employee(user=adviser, email=adviser.email)
    RoleAssignmentFactory(organisation=world.organisation, user=adviser, role=R.CONFIDENTIAL_ADVISER)

    def data(n: int, **changes):
        values = {
            "date": world.today - dt.timedelta(days=n % 300),
            "requester": "medewerker",
            "topic": topic,
            "action": action,
            "note": f"Notitie {n}",
            "asker_name": f"Vrager {n}",
        }
        values.update(changes)
        return services.ConsultationInput(**values)

    for handler in (ic, adviser, world.user(R.CONFIDENTIAL_ADVISER)):
        services.record_consultation(actor=handler, organisation=world.organisation, data=data(i))
    if "consultation" not in world.anchors:
        world.anchors["consultation"] = services.record_consultation(
            actor=ic, organisation=world.organisation, data=data(0)
        )
    anchor = selectors.consultation(world.organisation, world.anchor("consultation").pk)
    services.change_consultation(actor=ic, consultation=anchor, data=data(i + 1000, topic=topic, action=action))


def grow_consultations(world: World, size: int) -> None:
    world.grow("consultations", size, _consultations_step)


def _deliberation_step(world: World, i: int) -> None:
    from plein.deliberation import selectors, services
    from plein.deliberation.models import Capture, DeliberationRequest, LibraryEntry, Participant, Theme
    from plein.deliberation.tests.factories import EntryFactory

    ic = world.user(R.INTEGRITY_COORDINATOR)
    me = world.user(R.EMPLOYEE)
    lead = world.user(R.FACILITATOR)
    now = timezone.now()

    def facilitator(employee):
        return services.register_facilitator(
            actor=ic,
            organisation=world.organisation,
            employee=employee,
            training_status="gecertificeerd",
            training_started_on=dt.date(2024, 3, 4),
            certified_on=dt.date(2025, 5, 22),
        )

    def request(n: int):
        return services.submit_request(
            actor=me,
            organisation=world.organisation,
            theme=Theme.CONFLICT_OF_INTEREST,
            situation=f"Een collega behandelt aanvraag {n} van zijn zwager.",
            urgency=DeliberationRequest.Urgency.NORMAL,
            team=world.top,
        )

    if "session" not in world.anchors:
        services.install_builtin_methods()
        world.anchors["facilitator"] = facilitator(lead.employee)
        # A method of one step that records everything, so that the workspace shows every kind of item.
        version = services.create_method(
            actor=ic,
            organisation=world.organisation,
            name="Alles in een stap",
            steps=[services.StepSpec("Alles", captures=list(Capture.values))],
        )
        world.anchors["method_version"] = version
        world.anchors["request"] = request(0)
        session = services.plan_session(
            actor=ic,
            organisation=world.organisation,
            facilitators=[world.anchor("facilitator")],
            scheduled_at=now + dt.timedelta(hours=1),
            method_version=version,
            title="Het anker",
            theme=Theme.CONFLICT_OF_INTEREST,
            team=world.top,
            deliberation_request=world.anchor("request"),
        )
        services.invite_participants(actor=ic, session=session, employees=[me.employee])
        world.anchors["session"] = services.start_session(actor=lead, session=session)
        services.join_session(user=me, organisation=world.organisation, code=world.anchor("session").join_code)
        services.record_dilemma(
            actor=lead, session=world.anchor("session"), question="Wat doe je?", option_a="A", option_b="B"
        )
        world.anchors["entry"] = EntryFactory(organisation=world.organisation, number=1000)
        world.anchors["monthly"] = services.choose_dilemma_of_the_month(
            actor=ic, entry=world.anchor("entry"), month=world.today
        )
    session = world.anchor("session")
    # The register, requests, sessions (each with a facilitator of its own and participants), methods.
    team = world.team()
    helper = facilitator(world.employee(unit=team))
    planned = services.plan_session(
        actor=ic,
        organisation=world.organisation,
        facilitators=[helper, world.anchor("facilitator")],
        scheduled_at=now + dt.timedelta(days=3 + i),
        method_version=selectors.current_version(world.anchor("method_version").method, world.organisation),
        title=f"Beraad {i}",
        theme=Theme.GIFTS,
        team=team,
        deliberation_request=request(i + 1),
    )
    services.invite_participants(
        actor=ic, session=planned, employees=[me.employee, world.employee(unit=team), world.employee(unit=team)]
    )
    request(i + 100)
    services.create_method(
        actor=ic, organisation=world.organisation, name=f"Methode {i}", steps=[services.StepSpec(f"Stap {i}")]
    )
    services.change_method(
        actor=ic,
        organisation=world.organisation,
        method=world.anchor("method_version").method,
        name="Alles in een stap",
        steps=[services.StepSpec("Alles", captures=list(Capture.values)), services.StepSpec(f"Extra {i}")],
        change_note=f"Versie {i}",
    )
    # The anchor session: participants (present), and one more item of every kind, a choice and a score.
    guest = world.employee(unit=team)
    services.invite_participants(actor=lead, session=session, employees=[guest])
    participant = Participant.objects.get(session=session, employee=guest)
    services.mark_present(actor=lead, session=session, participant=participant)
    services.add_fact(actor=lead, session=session, kind="feit", text=f"Feit {i}")
    stakeholder = services.add_stakeholder(actor=lead, session=session, name=f"Betrokkene {i}", rights="Recht")
    value = services.add_value(actor=lead, session=session, kind="waarde", text=f"Waarde {i}")
    option = services.add_option(actor=lead, session=session, text=f"Optie {i}", cost="Kosten")
    services.add_action(actor=lead, session=session, description=f"Actie {i}", owner="Team")
    services.record_choice(
        actor=lead, session=session, participant=participant, option=option, because="Eerlijkheid", by_facilitator=True
    )
    services.record_weighing(
        actor=lead,
        session=session,
        weights={f"s{stakeholder.pk}": 2, f"v{value.pk}": 3},
        scores={(option.pk, f"s{stakeholder.pk}"): 1, (option.pk, f"v{value.pk}"): -1},
    )
    # The library: published entries, proposals waiting for review; the monthly poll: votes and earlier months.
    EntryFactory(organisation=world.organisation, number=2000 + i, theme=Theme.GIFTS if i % 2 else Theme.LOYALTY)
    services.propose_entry(
        actor=ic,
        organisation=world.organisation,
        title=f"Voorstel {i}",
        theme=Theme.GIFTS,
        situation="Een leverancier biedt kaartjes aan.",
        question="Neem je ze aan?",
        option_a="Aannemen en melden",
        option_b="Afslaan",
        considerations="Onafhankelijkheid.",
    )
    earlier = EntryFactory(organisation=world.organisation, number=3000 + i, status=LibraryEntry.Status.PUBLISHED)
    services.choose_dilemma_of_the_month(
        actor=ic, entry=earlier, month=world.today.replace(day=1) - dt.timedelta(days=31 * (i + 1))
    )
    monthly = world.anchor("monthly")
    services.vote(monthly=monthly, option_id=monthly.options.first().pk, employee=world.employee(unit=team))


def grow_deliberation(world: World, size: int) -> None:
    world.grow("deliberation", size, _deliberation_step)


def _annual_report_step(world: World, i: int) -> None:
    from plein.annual_report import services

    ic = world.user(R.INTEGRITY_COORDINATOR)
    authority = world.user(R.COMPETENT_AUTHORITY)

    def published(year: int):
        report = services.get_or_create_report(organisation=world.organisation, year=year)
        services.submit(report=report, actor=ic)
        services.approve(report=report, actor=authority)
        return services.publish(report=report, actor=ic)

    for k in range(2):
        services.create_plan_action(
            organisation=world.organisation,
            actor=ic,
            title=f"Actie {i}.{k}",
            theme="Communicatie",
            owner="Team integriteit",
            planned_year=world.today.year + k,
            planned_quarter=1 + (i + k) % 4,
            module="learning" if k else "",
        )
    # One more published year per step (the lists of reports); the anchor year is published once, with the
    # registers as they are then (its public pages show that frozen version).
    if "annual_year" not in world.anchors:
        world.anchors["annual_year"] = published(world.today.year - 1).year
    published(world.today.year - 2 - i)


def grow_annual_report(world: World, size: int) -> None:
    """The annual report brings every register together: the draft report of this year grows with all of them."""
    grow_everything(world, size)
    grow_consultations(world, size)
    grow_deliberation(world, size)
    world.grow("annual_report", size, _annual_report_step)


def grow_everything(world: World, size: int) -> None:
    """Pages that bring everything together (the start page, the portal's home page)."""
    for grower in (grow_core, grow_oaths, grow_positions, grow_declarations, grow_reports, grow_portal, grow_learning):
        grower(world, size)


def _pk(name: str):
    return lambda world: {"pk": world.anchor(name).pk}


# --- the pages ---------------------------------------------------------------------------------------------------------
# One line per page. A page whose count grows today is left out, with a comment, and named in benchmarks/RESULTS.md.

CASES = [
    # core
    QueryCase("core:home", role=None, grow=grow_everything, label="core:home (anonymous)"),
    QueryCase("core:home", role=R.EMPLOYEE, grow=grow_everything, label="core:home (employee)"),
    QueryCase("core:start", role=R.EMPLOYEE, grow=grow_everything),
    QueryCase("core:structure", role=None, grow=grow_core),
    QueryCase("core:people", role=R.HR, grow=grow_core),
    QueryCase("core:people", role=R.MANAGER, grow=grow_core, label="core:people (manager)"),
    QueryCase("core:role_list", role=R.FUNCTIONAL_ADMIN, grow=grow_core),
    QueryCase(
        "core:role_account",
        role=R.FUNCTIONAL_ADMIN,
        grow=grow_core,
        kwargs=lambda w: {"user_id": w.anchor("account").pk},
    ),
    QueryCase("core:audit_log", role=R.INTEGRITY_COORDINATOR, grow=grow_core),
    # API lists (hr.sync token)
    QueryCase("api:person-list", role=None, grow=grow_core, api=True),
    QueryCase("api:unit-list", role=None, grow=grow_core, api=True),
    QueryCase("api:position-list", role=None, grow=grow_core, api=True),
    # Ambtseed
    QueryCase("oaths:mine", role=R.EMPLOYEE, grow=grow_oaths),
    QueryCase("oaths:overview", role=R.HR, grow=grow_oaths),
    QueryCase("oaths:overview", role=R.MANAGER, grow=grow_oaths, label="oaths:overview (manager)"),
    QueryCase("oaths:ceremony_list", role=R.HR, grow=grow_oaths),
    QueryCase("oaths:ceremony_detail", role=R.HR, grow=grow_oaths, kwargs=_pk("ceremony")),
    QueryCase("oaths:check_in_list", role=R.HR, grow=grow_oaths, kwargs=_pk("ceremony")),
    QueryCase("oaths:texts", role=R.HR, grow=grow_oaths),
    QueryCase("oaths:figures", role=R.HR, grow=grow_oaths),
    # Functies & screening
    QueryCase("positions:inventory", role=R.HR, grow=grow_positions),
    QueryCase("positions:inventory", role=R.MANAGER, grow=grow_positions, label="positions:inventory (manager)"),
    QueryCase("positions:detail", role=R.HR, grow=grow_positions, kwargs=_pk("position")),
    QueryCase("positions:lapsed", role=R.HR, grow=grow_positions),
    QueryCase("positions:coverage", role=R.INTEGRITY_COORDINATOR, grow=grow_positions),
    QueryCase("positions:rounds", role=R.INTEGRITY_COORDINATOR, grow=grow_positions),
    QueryCase("positions:round", role=R.INTEGRITY_COORDINATOR, grow=grow_positions, kwargs=_pk("round")),
    QueryCase("positions:screening", role=R.HR, grow=grow_positions),
    QueryCase("positions:new_hires", role=R.HR, grow=grow_positions),
    QueryCase("positions:person", role=R.HR, grow=grow_positions, kwargs=_pk("person")),
    QueryCase("positions:mine", role=R.EMPLOYEE, grow=grow_positions),
    # Verklaringen
    QueryCase("declarations:mine", role=R.EMPLOYEE, grow=grow_declarations),
    QueryCase("declarations:activity_list", role=R.INTEGRITY_COORDINATOR, grow=grow_declarations),
    QueryCase(
        "declarations:activity_list",
        role=R.MANAGER,
        grow=grow_declarations,
        label="declarations:activity_list (manager)",
    ),
    QueryCase(
        "declarations:activity_detail", role=R.INTEGRITY_COORDINATOR, grow=grow_declarations, kwargs=_pk("activity")
    ),
    QueryCase("declarations:candidate_list", role=R.HR, grow=grow_declarations),
    QueryCase("declarations:candidate_detail", role=R.HR, grow=grow_declarations, kwargs=_pk("candidate")),
    QueryCase("declarations:campaign_list", role=R.INTEGRITY_COORDINATOR, grow=grow_declarations),
    QueryCase(
        "declarations:campaign_detail", role=R.INTEGRITY_COORDINATOR, grow=grow_declarations, kwargs=_pk("campaign")
    ),
    QueryCase("declarations:interest_list", role=R.INTEGRITY_COORDINATOR, grow=grow_declarations),
    QueryCase("declarations:gift_list", role=R.INTEGRITY_COORDINATOR, grow=grow_declarations),
    QueryCase("declarations:figures", role=R.INTEGRITY_COORDINATOR, grow=grow_declarations),
    QueryCase("declarations:public_register", role=None, grow=grow_declarations),
    # Meldkanaal: the inbox is plain metadata; a case needs the handler's unlocked vault.
    QueryCase("reports:inbox", role=R.INTEGRITY_COORDINATOR, grow=grow_reports),
    QueryCase("reports:report", role=R.INTEGRITY_COORDINATOR, grow=grow_reports, kwargs=_pk("report"), vault=True),
    QueryCase("reports:admin_channels", role=R.FUNCTIONAL_ADMIN, grow=grow_reports),
    QueryCase(
        "reports:admin_channel_team",
        role=R.FUNCTIONAL_ADMIN,
        grow=grow_reports,
        kwargs=lambda w: {"code": w.anchor("channel").code},
    ),
    QueryCase("reports:start", role=None, grow=grow_reports),
    # Dossiers (case handling of reports)
    QueryCase("dossiers:case", role=R.INTEGRITY_COORDINATOR, grow=grow_dossiers, kwargs=_pk("report"), vault=True),
    QueryCase("dossiers:settings", role=R.INTEGRITY_COORDINATOR, grow=grow_dossiers),
    QueryCase(
        "dossiers:workflow",
        role=R.INTEGRITY_COORDINATOR,
        grow=grow_dossiers,
        kwargs=lambda w: {"code": w.anchor("channel").code},
    ),
    QueryCase("dossiers_oversight:statistics", role=R.INTEGRITY_COORDINATOR, grow=grow_dossiers),
    QueryCase("dossiers_oversight:retention", role=R.INTEGRITY_COORDINATOR, grow=grow_dossiers),
    # Portal
    QueryCase("portal:poll_list", role=R.EMPLOYEE, grow=grow_portal),
    QueryCase("portal:poll_detail", role=R.EMPLOYEE, grow=grow_portal, kwargs=_pk("poll")),
    QueryCase("portal:policy_admin", role=R.INTEGRITY_COORDINATOR, grow=grow_portal),
    QueryCase("portal:policy_document", role=R.INTEGRITY_COORDINATOR, grow=grow_portal, kwargs=_pk("policy_document")),
    QueryCase(
        "portal:campaign_coverage", role=R.INTEGRITY_COORDINATOR, grow=grow_portal, kwargs=_pk("policy_campaign")
    ),
    QueryCase("portal:poll_admin", role=R.INTEGRITY_COORDINATOR, grow=grow_portal),
    # Leren & bewustwording
    QueryCase("learning:events", role=R.EMPLOYEE, grow=grow_learning),
    QueryCase("learning:event_detail", role=R.INTEGRITY_COORDINATOR, grow=grow_learning, kwargs=_pk("event")),
    QueryCase("learning:attendance", role=R.INTEGRITY_COORDINATOR, grow=grow_learning, kwargs=_pk("event")),
    QueryCase("learning:mine", role=R.EMPLOYEE, grow=grow_learning),
    QueryCase("learning:records", role=R.INTEGRITY_COORDINATOR, grow=grow_learning),
    QueryCase("learning:coverage", role=R.INTEGRITY_COORDINATOR, grow=grow_learning),
    QueryCase("learning:requirements", role=R.INTEGRITY_COORDINATOR, grow=grow_learning),
    QueryCase("learning:figures", role=R.INTEGRITY_COORDINATOR, grow=grow_learning),
    # Consultaties
    QueryCase("consultations:list", role=R.INTEGRITY_COORDINATOR, grow=grow_consultations),
    QueryCase(
        "consultations:list", role=R.CONFIDENTIAL_ADVISER, grow=grow_consultations, label="consultations:list (adviser)"
    ),
    QueryCase(
        "consultations:detail", role=R.INTEGRITY_COORDINATOR, grow=grow_consultations, kwargs=_pk("consultation")
    ),
    QueryCase("consultations:settings", role=R.INTEGRITY_COORDINATOR, grow=grow_consultations),
    # Moreel beraad
    QueryCase("deliberation:index", role=R.EMPLOYEE, grow=grow_deliberation),
    QueryCase(
        "deliberation:index", role=R.INTEGRITY_COORDINATOR, grow=grow_deliberation, label="deliberation:index (IC)"
    ),
    QueryCase(
        "deliberation:index", role=R.FACILITATOR, grow=grow_deliberation, label="deliberation:index (facilitator)"
    ),
    QueryCase("deliberation:request_list", role=R.INTEGRITY_COORDINATOR, grow=grow_deliberation),
    QueryCase(
        "deliberation:request_detail", role=R.INTEGRITY_COORDINATOR, grow=grow_deliberation, kwargs=_pk("request")
    ),
    QueryCase("deliberation:facilitator_list", role=R.INTEGRITY_COORDINATOR, grow=grow_deliberation),
    QueryCase("deliberation:method_list", role=R.INTEGRITY_COORDINATOR, grow=grow_deliberation),
    QueryCase(
        "deliberation:method_detail", role=R.INTEGRITY_COORDINATOR, grow=grow_deliberation, kwargs=_pk("method_version")
    ),
    QueryCase("deliberation:session_list", role=R.INTEGRITY_COORDINATOR, grow=grow_deliberation),
    QueryCase(
        "deliberation:session_list",
        role=R.FACILITATOR,
        grow=grow_deliberation,
        label="deliberation:session_list (facilitator)",
    ),
    QueryCase("deliberation:session_plan", role=R.INTEGRITY_COORDINATOR, grow=grow_deliberation, kwargs=_pk("session")),
    QueryCase("deliberation:workspace", role=R.FACILITATOR, grow=grow_deliberation, kwargs=_pk("session")),
    QueryCase("deliberation:projection", role=R.FACILITATOR, grow=grow_deliberation, kwargs=_pk("session")),
    QueryCase("deliberation:projection_live", role=R.FACILITATOR, grow=grow_deliberation, kwargs=_pk("session")),
    QueryCase("deliberation:participate", role=R.EMPLOYEE, grow=grow_deliberation, kwargs=_pk("session")),
    QueryCase("deliberation:participate_live", role=R.EMPLOYEE, grow=grow_deliberation, kwargs=_pk("session")),
    QueryCase("deliberation:library", role=R.EMPLOYEE, grow=grow_deliberation),
    QueryCase(
        "deliberation:library", role=R.INTEGRITY_COORDINATOR, grow=grow_deliberation, label="deliberation:library (IC)"
    ),
    QueryCase("deliberation:library_entry", role=R.EMPLOYEE, grow=grow_deliberation, kwargs=_pk("entry")),
    QueryCase("deliberation:monthly", role=R.EMPLOYEE, grow=grow_deliberation),
    QueryCase("deliberation:figures", role=R.INTEGRITY_COORDINATOR, grow=grow_deliberation),
    # Jaarverslag: the reports to write, the draft of this year (from every register), the plan, the public pages.
    QueryCase("annual_report:index", role=R.INTEGRITY_COORDINATOR, grow=grow_annual_report),
    QueryCase(
        "annual_report:report",
        role=R.INTEGRITY_COORDINATOR,
        grow=grow_annual_report,
        kwargs=lambda w: {"year": w.today.year},
    ),
    QueryCase(
        "annual_report:report",
        role=R.COMPETENT_AUTHORITY,
        grow=grow_annual_report,
        kwargs=lambda w: {"year": w.anchor("annual_year")},
        label="annual_report:report (published)",
    ),
    QueryCase("annual_report:plan", role=R.INTEGRITY_COORDINATOR, grow=grow_annual_report),
    QueryCase("annual_report:public_index", role=None, grow=grow_annual_report),
    QueryCase(
        "annual_report:public_report",
        role=None,
        grow=grow_annual_report,
        kwargs=lambda w: {"year": w.anchor("annual_year")},
    ),
    QueryCase(
        "annual_report:public_json",
        role=None,
        grow=grow_annual_report,
        kwargs=lambda w: {"year": w.anchor("annual_year")},
    ),
    # Portal: search results and the page where an employee confirms a code of conduct.
    QueryCase("portal:search", role=None, grow=grow_portal, query={"q": "Nieuws"}),
    QueryCase(
        "portal:search", role=R.EMPLOYEE, grow=grow_portal, query={"q": "Nieuws"}, label="portal:search (employee)"
    ),
    QueryCase(
        "portal:acknowledge",
        role=R.EMPLOYEE,
        grow=grow_portal,
        kwargs=lambda w: {"pk": w.anchor("policy_campaign").version.pk},
    ),
]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()
    return World()


def _requester(world: World, case: QueryCase):
    if case.api:
        from plein.api.models import Scope
        from plein.api.services import create_token

        _token, raw = create_token(organisation=world.organisation, name="HR-systeem", scopes=[Scope.HR_SYNC], days=30)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client
    client = Client()
    if case.role is not None:
        user = world.user(case.role)
        if case.vault:
            # Unlock the vault through the real view: half of the key in the session, half in a cookie.
            client.force_login(user)
            response = client.post(reverse("reports:vault_unlock"), {"passphrase": VAULT_PASSPHRASE})
            assert response.status_code == 302, response.content.decode()[:500]
        else:
            client.force_login(user)
    return client


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_query_count_does_not_grow_with_the_data(case: QueryCase, world: World):
    case.grow(world, SMALL)
    client = _requester(world, case)

    def get():
        url = reverse(case.url, kwargs=case.kwargs(world) if case.kwargs else None)
        response = client.get(url, case.query)
        assert response.status_code == case.expect, f"{case.id}: {url} answered {response.status_code}"
        return response

    small = count_queries(get)
    case.grow(world, LARGE)
    large = count_queries(get)
    assert large.queries == small.queries, (
        f"{case.id}: {small.queries} queries with {SMALL} units of data, {large.queries} with {LARGE}. "
        f"Queries that grew:\n{explain_difference(small, large)}"
    )


def test_every_case_names_a_route_that_exists():
    from plein.core.url_policy import iter_routes

    names = {route.name for route in iter_routes()}
    missing = sorted({case.url for case in CASES} - names)
    assert not missing, f"CASES names routes that do not exist: {missing}"


def test_the_check_catches_a_page_that_runs_a_query_per_row(world: World):
    """The mechanism itself: a view with an N+1 query gets different counts at the two sizes."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from plein.core.models import Employee

    def naive_view(request):
        names = [e.unit.name for e in Employee.objects.filter(organisation=world.organisation)]  # a query per row
        return HttpResponse(", ".join(names))

    def get():
        return naive_view(RequestFactory().get("/"))

    grow_core(world, SMALL)
    small = count_queries(get)
    grow_core(world, LARGE)
    large = count_queries(get)
    assert large.queries > small.queries
    assert "core_orgunit" in explain_difference(small, large)
