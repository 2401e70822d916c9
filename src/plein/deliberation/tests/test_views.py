"""The pages of moral deliberation: every flow through the views, confidentiality per role, clear messages, and
constant query counts on the list pages."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.core.selectors import employee_for
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory
from plein.deliberation import selectors, services
from plein.deliberation.forms import StakeholderForm
from plein.deliberation.models import (
    Action,
    DeliberationRequest,
    LibraryEntry,
    MonthlyOption,
    Option,
    Participant,
    Session,
    Stakeholder,
    Theme,
)
from plein.deliberation.tests.factories import (
    EntryFactory,
    FacilitatorFactory,
    RequestFactory,
    SessionFactory,
    facilitator_user,
    held,
    participant,
    running,
)

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2025, 9, 15, 10, 0, tzinfo=AMS)
SECRET = "Geheime casus over de zwager"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def ic(make_user):
    return make_user(R.INTEGRITY_COORDINATOR)


@pytest.fixture
def lead(make_user, organisation):
    return facilitator_user(make_user, organisation)


@pytest.fixture
def world(organisation, make_user, lead):
    """A request, its running session with a participant and content, and people in every role."""
    lead_user, facilitator = lead
    requester = make_user()
    request = RequestFactory(
        organisation=organisation, requester=employee_for(requester), situation="Verzoek: " + SECRET
    )
    request.requested_by = requester
    request.save()
    session = SessionFactory(organisation=organisation, facilitators=[facilitator], request=request)
    running(session)
    member = make_user()
    participant(session, member)
    services.record_text(actor=lead_user, session=session, field_name="case_description", text=SECRET)
    services.go_to_step(actor=lead_user, session=session, number=2)  # the case, on the screen
    return {"request": request, "session": session, "requester": requester, "member": member, "lead": lead_user}


# --- confidentiality, for every role --------------------------------------------------------------------------------

OTHER_ROLES = [role for role in R.ROLES if role != R.EMPLOYEE]


def content_urls(session):
    return {
        "workspace": reverse("deliberation:workspace", args=[session.pk]),
        "projection": reverse("deliberation:projection", args=[session.pk]),
        "projection_live": reverse("deliberation:projection_live", args=[session.pk]),
        "participate": reverse("deliberation:participate", args=[session.pk]),
        "participate_live": reverse("deliberation:participate_live", args=[session.pk]),
    }


@pytest.mark.parametrize("role", [R.EMPLOYEE, *OTHER_ROLES])
def test_nobody_outside_the_session_sees_its_content_or_the_request(client, world, make_user, role):
    """Any role, the coordinator and an unassigned facilitator included, is refused when they are not in it."""
    outsider = make_user() if role == R.EMPLOYEE else make_user(role)
    if role == R.FACILITATOR:
        FacilitatorFactory(organisation=world["session"].organisation, employee=employee_for(outsider))
    client.force_login(outsider)
    session = world["session"]
    for name, url in content_urls(session).items():
        response = client.get(url)
        assert response.status_code == 403, (role, name)
        assert SECRET not in text(response)
    pdf = client.get(reverse("deliberation:record_pdf", args=[session.pk]))
    assert pdf.status_code == 403
    response = client.get(reverse("deliberation:request_detail", args=[world["request"].pk]))
    if role == R.INTEGRITY_COORDINATOR:
        assert response.status_code == 200 and SECRET in text(response)  # the request, not the session content
    else:
        assert response.status_code == 403 and SECRET not in text(response)
    plan = client.get(reverse("deliberation:session_plan", args=[session.pk]))
    assert plan.status_code == (200 if role == R.INTEGRITY_COORDINATOR else 403)
    assert SECRET not in text(plan)
    for post in ("session_start", "session_close", "session_code"):
        assert client.post(reverse(f"deliberation:{post}", args=[session.pk])).status_code == 403
    add = client.post(
        reverse("deliberation:session_add", args=[session.pk, "betrokkene"]), {"stakeholder-name": "Ingebroken"}
    )
    assert add.status_code == 403 and not Stakeholder.objects.filter(name="Ingebroken").exists()


def test_the_people_in_the_session_see_what_their_part_allows(client, world):
    session = world["session"]
    urls = content_urls(session)
    client.force_login(world["lead"])
    for name in ("workspace", "projection", "projection_live"):
        response = client.get(urls[name])
        assert response.status_code == 200 and SECRET in text(response), name
    assert client.get(urls["participate"]).status_code == 403  # a facilitator leads, and does not join
    assert SECRET in text(client.get(reverse("deliberation:request_detail", args=[world["request"].pk])))

    client.force_login(world["member"])
    for name in ("projection", "projection_live", "participate", "participate_live"):
        assert client.get(urls[name]).status_code == 200, name
    assert SECRET in text(client.get(urls["projection"]))
    assert client.get(urls["workspace"]).status_code == 403
    assert client.get(reverse("deliberation:request_detail", args=[world["request"].pk])).status_code == 403

    client.force_login(world["requester"])  # asked for it, but does not take part
    assert client.get(reverse("deliberation:request_detail", args=[world["request"].pk])).status_code == 200
    assert client.get(urls["projection"]).status_code == 403


def test_a_facilitator_without_the_role_or_a_revoked_role_is_refused(client, world, make_user, organisation):
    session = world["session"]
    no_role = make_user()
    session.facilitators.add(FacilitatorFactory(organisation=organisation, employee=employee_for(no_role)))
    client.force_login(no_role)
    assert client.get(reverse("deliberation:workspace", args=[session.pk])).status_code == 403


def test_anonymous_visitors_go_to_the_login_page(client, world):
    for url in content_urls(world["session"]).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_overview_for_the_coordinator_shows_no_content(client, world, ic):
    client.force_login(ic)
    response = client.get(reverse("deliberation:session_list"))
    assert response.status_code == 200 and world["session"].title in text(response)
    assert SECRET not in text(response)


# --- requests -------------------------------------------------------------------------------------------------------


def test_ask_plan_and_invite(client, organisation, make_user, ic, lead, django_capture_on_commit_callbacks):
    _lead_user, facilitator = lead
    asker = make_user(R.MANAGER, unit=OrgUnitFactory(organisation=organisation, name="Team Water"))
    client.force_login(asker)
    response = client.post(reverse("deliberation:request_create"), {"theme": "", "situation": "", "urgency": "spoed"})
    assert response.status_code == 200
    assert "utrecht-form-field-error-message" in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("deliberation:request_create"),
            {"theme": Theme.LEADERSHIP, "situation": "Druk van bovenaf", "urgency": "spoed", "preferred_dates": "Di"},
        )
    request = DeliberationRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "deliberation:request_detail", args=[request.pk]
    )
    home = client.get(reverse("deliberation:index"))
    assert reverse("deliberation:request_detail", args=[request.pk]) in text(home)

    client.force_login(ic)
    page = client.get(reverse("deliberation:request_detail", args=[request.pk]))
    assert "Druk van bovenaf" in text(page) and 'name="facilitators"' in text(page)
    bad = client.post(
        reverse("deliberation:request_plan", args=[request.pk]),
        {"title": "Sessie", "day": "2025-09-01", "start_time": "10:00", "method_version": "", "facilitators": []},
    )
    assert bad.status_code == 400 and "Choose one or two facilitators" in text(bad)
    version = selectors.current_versions(organisation)[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("deliberation:request_plan", args=[request.pk]),
            {
                "title": "Moreel beraad team Water",
                "day": "2025-09-30",
                "start_time": "10:00",
                "location": "Zaal 3",
                "method_version": version.pk,
                "facilitators": [facilitator.pk],
            },
        )
    session = Session.objects.get()
    assert response["Location"] == reverse("deliberation:session_plan", args=[session.pk])
    request.refresh_from_db()
    assert request.status == DeliberationRequest.Status.PLANNED
    invitee = EmployeeFactory(organisation=organisation, personnel_number="777001")
    response = client.post(
        reverse("deliberation:session_invite", args=[session.pk]), {"people": "777001, nobody@example.org"}, follow=True
    )
    assert any("not known" in m for m in messages_of(response))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("deliberation:session_invite", args=[session.pk]), {"people": "777001"}, follow=True
        )
    assert Participant.objects.filter(session=session, employee=invitee).exists()
    assert invitee.full_name in text(response)


def test_decline_needs_a_reason_and_the_requester_can_withdraw(client, organisation, make_user, ic):
    asker = make_user()
    request = RequestFactory(organisation=organisation, requester=employee_for(asker), requested_by=asker)
    client.force_login(ic)
    response = client.post(reverse("deliberation:request_decline", args=[request.pk]), {"reason": ""})
    assert response.status_code == 400 and "utrecht-form-field-error-message" in text(response)
    other = RequestFactory(organisation=organisation, requester=employee_for(asker), requested_by=asker)
    client.force_login(asker)
    response = client.post(reverse("deliberation:request_withdraw", args=[other.pk]), follow=True)
    other.refresh_from_db()
    assert other.status == DeliberationRequest.Status.WITHDRAWN
    assert client.post(reverse("deliberation:request_withdraw", args=[other.pk])).status_code == 302


# --- the session ----------------------------------------------------------------------------------------------------


def test_a_whole_session_without_javascript(client, organisation, make_user, lead):
    """The facilitator records everything with plain forms; a participant joins with the code and contributes."""
    lead_user, facilitator = lead
    session = SessionFactory(organisation=organisation, facilitators=[facilitator])
    member = make_user()
    participant(session, member, joined=False)
    client.force_login(lead_user)
    workspace = reverse("deliberation:workspace", args=[session.pk])
    assert "Start the session" in text(client.get(workspace))
    client.post(reverse("deliberation:session_start", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == Session.Status.RUNNING and session.join_code in text(client.get(workspace))

    def step(n):
        return client.post(reverse("deliberation:session_step", args=[session.pk]), {"number": n}, follow=True)

    page = step(2)
    assert "Step 2 of 10" in text(page) and "Nothing has been recorded at this step yet" in text(page)
    page = step(3)
    assert any("Nothing was recorded at step 2" in m for m in messages_of(page))
    step(2)
    client.post(reverse("deliberation:session_text", args=[session.pk, "casus"]), {"case-text": SECRET})
    step(3)
    client.post(
        reverse("deliberation:session_dilemma", args=[session.pk]),
        {"dilemma-question": "Zelf of overdragen?", "dilemma-option_a": "Zelf", "dilemma-option_b": "Overdragen"},
    )
    step(4)
    client.post(
        reverse("deliberation:session_add", args=[session.pk, "feit"]),
        {"fact-kind": "vraag", "fact-text": "Wie weet het?"},
    )
    step(5)
    client.post(
        reverse("deliberation:session_add", args=[session.pk, "betrokkene"]), {"stakeholder-name": "De aanvrager"}
    )
    client.post(
        reverse("deliberation:session_add", args=[session.pk, "waarde"]),
        {"value-kind": "waarde", "value-text": "Eerlijkheid"},
    )
    empty = client.post(
        reverse("deliberation:session_add", args=[session.pk, "betrokkene"]), {"stakeholder-name": ""}, follow=True
    )
    label = str(StakeholderForm.base_fields["name"].label)
    assert any(m.startswith(f"{label}: ") for m in messages_of(empty)), messages_of(empty)

    client.force_login(member)
    join = client.post(reverse("deliberation:join"), {"code": session.join_code.lower()})
    assert join["Location"] == reverse("deliberation:participate", args=[session.pk])
    again = client.post(reverse("deliberation:join"), {"code": session.join_code}, follow=True)
    assert any("already joined" in m for m in messages_of(again))
    participate = reverse("deliberation:participate", args=[session.pk])
    assert 'hx-trigger="every 2s"' in text(client.get(participate))
    client.post(
        reverse("deliberation:session_add", args=[session.pk, "optie"]),
        {"next": "participate", "option-text": "Collega vragen", "option-cost": "Tijd"},
    )
    client.post(
        reverse("deliberation:session_add", args=[session.pk, "betrokkene"]),
        {"next": "participate", "stakeholder-name": "Inwoners"},
    )
    refused = client.post(
        reverse("deliberation:session_add", args=[session.pk, "feit"]), {"fact-kind": "feit", "fact-text": "x"}
    )
    assert refused.status_code == 403
    option = Option.objects.get(session=session, text="Collega vragen")
    client.post(
        reverse("deliberation:session_choice", args=[session.pk]),
        {
            "next": "participate",
            "choice-option": option.pk,
            "choice-because": "zorgvuldigheid",
            "choice-despite": "tijd",
        },
    )
    live = client.get(reverse("deliberation:projection_live", args=[session.pk]))
    assert "Inwoners" in text(live) and "<html" not in text(live)

    client.force_login(lead_user)
    step(8)
    record = selectors.session_record(session)
    data = {f"matrix-w_{c.key}": "2" for c in record.matrix.criteria}
    data |= {f"matrix-c_{row.option.pk}_{c.key}": "1" for row in record.matrix.rows for c in record.matrix.criteria}
    client.post(reverse("deliberation:session_matrix", args=[session.pk]), data)
    assert "Weighted score per option" in text(client.get(workspace))
    step(9)
    client.post(
        reverse("deliberation:session_text", args=[session.pk, "conclusies"]), {"conclusions-text": "Overdragen"}
    )
    client.post(
        reverse("deliberation:session_add", args=[session.pk, "actie"]),
        {"action-description": "Regeling nalezen", "action-owner": "Teamleider", "action-due_on": "2025-10-01"},
    )
    projection = client.get(reverse("deliberation:projection", args=[session.pk]))
    assert "Regeling nalezen" in text(projection) and 'hx-trigger="every 2s"' in text(projection)
    client.post(reverse("deliberation:session_close", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == Session.Status.HELD and session.participant_count == 1

    client.force_login(member)
    page = client.get(participate)
    assert SECRET in text(page) and "Collega vragen" in text(page)
    pdf = client.get(reverse("deliberation:record_pdf", args=[session.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="deliberation.record_downloaded", actor=member).exists()
    assert AuditEvent.objects.filter(action="deliberation.session_opened", actor=lead_user).exists()
    logged = json.dumps(list(AuditEvent.objects.values_list("data", flat=True)), default=str)
    for content in (SECRET, "Collega vragen", "Inwoners", "zorgvuldigheid", "Regeling nalezen", "Wie weet het?"):
        assert content not in logged


def test_join_messages(client, organisation, make_user, lead):
    _lead_user, facilitator = lead
    running(SessionFactory(organisation=organisation, facilitators=[facilitator]), code="QRS234", minutes=5)
    client.force_login(make_user())
    wrong = client.post(reverse("deliberation:join"), {"code": "NOPE99"})
    assert wrong.status_code == 200 and "This code is not known" in text(wrong)
    empty = client.post(reverse("deliberation:join"), {"code": ""})
    assert "utrecht-form-field-error-message" in text(empty)
    with time_machine.travel(NOW + timedelta(minutes=6), tick=False):
        expired = client.post(reverse("deliberation:join"), {"code": "QRS234"})
        assert "This code has expired" in text(expired)
    client.force_login(_lead_user)
    own = client.post(reverse("deliberation:join"), {"code": "QRS234"})
    assert "You lead this session" in text(own)


def test_the_screen_says_when_a_step_is_empty_and_shows_the_code(client, world):
    client.force_login(world["lead"])
    session = world["session"]
    services.go_to_step(actor=world["lead"], session=session, number=4)
    live = text(client.get(reverse("deliberation:projection_live", args=[session.pk])))
    assert "Nothing has been recorded at this step yet." in live
    assert session.join_code in live and "Step 4 of 10" in live
    services.add_fact(actor=world["lead"], session=session, kind="feit", text="Het is dinsdag")
    live = text(client.get(reverse("deliberation:projection_live", args=[session.pk])))
    assert "Nothing has been recorded" not in live and "Het is dinsdag" in live


# --- facilitators and methods ---------------------------------------------------------------------------------------


def test_the_register_shows_who_is_active_and_how_many_sessions_each_led(client, organisation, ic):
    active = FacilitatorFactory(organisation=organisation, employee__last_name="Actief")
    FacilitatorFactory(organisation=organisation, employee__last_name="Gestopt", stopped_on=date(2025, 8, 1))
    for day in (date(2025, 6, 1), date(2025, 7, 1)):
        held(SessionFactory(organisation=organisation, facilitators=[active]), day)
    client.force_login(ic)
    page = client.get(reverse("deliberation:facilitator_list"))
    rows = {f.employee.last_name: f for f in page.context["facilitators"]}
    assert rows["Actief"].sessions_led == 2 and rows["Actief"].last_held == date(2025, 7, 1)
    assert rows["Actief"].active_today and not rows["Gestopt"].active_today
    assert page.context["active_count"] == 1
    employee = EmployeeFactory(organisation=organisation, personnel_number="555001")
    response = client.post(
        reverse("deliberation:facilitator_list"),
        {
            "personnel_number": "555001",
            "training_status": "in_opleiding",
            "training_started_on": "2024-03-04",
            "available": "on",
        },
    )
    assert response.status_code == 302 and employee.facilitator_records.exists()


def test_a_facilitator_changes_only_their_own_availability(client, organisation, make_user, lead):
    user, facilitator = lead
    other = FacilitatorFactory(organisation=organisation)
    client.force_login(user)
    response = client.post(
        reverse("deliberation:facilitator_edit", args=[facilitator.pk]),
        {"available": "", "availability": "Niet in juli"},
    )
    assert response.status_code == 302
    facilitator.refresh_from_db()
    assert not facilitator.available and facilitator.availability == "Niet in juli"
    assert client.get(reverse("deliberation:facilitator_edit", args=[other.pk])).status_code == 403
    assert client.get(reverse("deliberation:facilitator_list")).status_code == 403


def test_the_coordinator_changes_a_method_into_a_new_version(client, organisation, ic):
    version = selectors.current_versions(organisation)[2]
    client.force_login(ic)
    page = client.get(reverse("deliberation:method_change", args=[version.pk]))
    formset = page.context["formset"]
    data = {"name": version.name, "change_note": "Kortere eerste stap"}
    data |= {f"steps-{k}": v for k, v in formset.management_form.initial.items()}
    for i, form in enumerate(formset.forms):
        for name, value in form.initial.items():
            if name == "captures":
                data[f"steps-{i}-captures"] = value
            else:
                data[f"steps-{i}-{name}"] = value
    data["steps-0-title"] = "Het dilemma, kort"
    data["steps-1-questions"] = ""
    data["steps-1-title"] = ""
    data["steps-1-instruction"] = ""
    data["steps-1-captures"] = []
    data["steps-TOTAL_FORMS"] = str(len(formset.forms))
    response = client.post(reverse("deliberation:method_change", args=[version.pk]), data)
    new = selectors.current_version(version.method, organisation)
    assert response.status_code == 302 and new.number == version.number + 1
    assert [s.title for s in new.steps.all()][0] == "Het dilemma, kort"
    assert new.steps.count() == version.steps.count() - 1
    old_page = client.get(reverse("deliberation:method_detail", args=[version.pk]))
    assert "older version" in text(old_page)
    data["steps-0-title"] = ""
    data["steps-0-instruction"] = "Zonder titel"
    bad = client.post(reverse("deliberation:method_change", args=[new.pk]), data)
    assert bad.status_code == 200 and "has text but no title" in text(bad)


# --- library and the dilemma of the month ---------------------------------------------------------------------------


def test_propose_review_publish_and_vote(client, organisation, make_user, ic, lead):
    lead_user, facilitator = lead
    session = SessionFactory(organisation=organisation, facilitators=[facilitator])
    running(session)
    services.record_dilemma(
        actor=lead_user, session=session, question="Zelf of niet?", option_a="Zelf", option_b="Niet"
    )
    held(session)
    client.force_login(lead_user)
    form = client.get(reverse("deliberation:propose", args=[session.pk]))
    assert form.context["form"].initial["option_a"] == "Zelf"
    response = client.post(
        reverse("deliberation:propose", args=[session.pk]),
        {
            "title": "Zelf doen",
            "theme": Theme.GIFTS,
            "situation": "Een situatie",
            "question": "Zelf of niet?",
            "option_a": "Zelf",
            "option_b": "Niet",
            "considerations": "Afwegingen",
        },
    )
    entry = LibraryEntry.objects.get()
    assert response["Location"] == reverse("deliberation:library_entry", args=[entry.pk])
    employee = make_user()
    client.force_login(employee)
    assert client.get(reverse("deliberation:library_entry", args=[entry.pk])).status_code == 403
    client.force_login(ic)
    assert entry.title in text(client.get(reverse("deliberation:library")))  # in the review queue
    response = client.post(
        reverse("deliberation:library_review", args=[entry.pk]),
        {
            "title": "Zelf doen of overdragen",
            "theme": Theme.GIFTS,
            "situation": "Een situatie",
            "question": "Zelf of niet?",
            "option_a": "Zelf",
            "option_b": "Niet",
            "considerations": "Afwegingen",
            "use_at_ceremonies": "on",
            "decision": "publish",
        },
    )
    entry.refresh_from_db()
    assert response.status_code == 302 and entry.status == LibraryEntry.Status.PUBLISHED and entry.use_at_ceremonies
    client.post(reverse("deliberation:library_feature", args=[entry.pk]), {"month": "2025-09", "question": ""})
    client.force_login(employee)
    page = client.get(reverse("deliberation:library"), {"theme": Theme.GIFTS})
    assert "Zelf doen of overdragen" in text(page)
    assert "Zelf doen of overdragen" not in text(client.get(reverse("deliberation:library"), {"theme": Theme.RULES}))
    monthly_page = client.get(reverse("deliberation:monthly"))
    assert 'name="option"' in text(monthly_page)
    monthly = monthly_page.context["monthly"]
    option = MonthlyOption.objects.filter(monthly=monthly).first()
    # An option number beyond any database integer is a wrong choice, not a server error (found by form fuzzing).
    huge = client.post(reverse("deliberation:monthly_vote", args=[monthly.pk]), {"option": 10**20}, follow=True)
    assert huge.status_code == 200 and any("Choose one of the options" in m for m in messages_of(huge))
    response = client.post(reverse("deliberation:monthly_vote", args=[monthly.pk]), {"option": option.pk}, follow=True)
    assert any("Nobody can see what you chose" in m for m in messages_of(response))
    assert 'name="option"' not in text(response) and "1 vote" in text(response)
    again = client.post(reverse("deliberation:monthly_vote", args=[monthly.pk]), {"option": option.pk}, follow=True)
    assert any("voted already" in m for m in messages_of(again))


def test_figures_for_the_coordinator_and_the_auditor(client, make_user, organisation):
    FacilitatorFactory(organisation=organisation)
    for role in (R.INTEGRITY_COORDINATOR, R.AUDITOR):
        client.force_login(make_user(role))
        page = client.get(reverse("deliberation:figures"), {"year": 2025})
        assert page.status_code == 200 and page.context["figures"]["facilitators"] == 1
    client.force_login(make_user(R.HR))
    assert client.get(reverse("deliberation:figures")).status_code == 403


# --- constant query counts ------------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(organisation, n: int):
    for _i in range(n):
        f1, f2 = FacilitatorFactory(organisation=organisation), FacilitatorFactory(organisation=organisation)
        asker = EmployeeFactory(organisation=organisation)
        request = RequestFactory(organisation=organisation, requester=asker, team=asker.unit)
        session = SessionFactory(organisation=organisation, facilitators=[f1, f2], request=request, team=asker.unit)
        participant(session, employee=EmployeeFactory(organisation=organisation))
        held(session, date(2025, 6, 1))
        Action.objects.create(session=session, description="Iets doen", owner="Iemand")
        EntryFactory(organisation=organisation)


@pytest.mark.parametrize(
    "name",
    ["request_list", "session_list", "facilitator_list", "method_list", "library", "index", "monthly", "figures"],
)
def test_list_pages_need_the_same_number_of_queries_at_two_sizes(client, organisation, ic, name):
    client.force_login(ic)
    url = reverse(f"deliberation:{name}")
    grow(organisation, 2)
    small = count_queries(client, url)
    grow(organisation, 8)
    assert count_queries(client, url) == small


def test_the_chart_is_drawn_the_same_in_dutch(client, world):
    """SVG coordinates are numbers with a dot, also when the page is Dutch (decimal comma)."""
    import re

    from django.conf import settings

    lead, session = world["lead"], world["session"]
    services.record_dilemma(actor=lead, session=session, question="Q", option_a="Zelf", option_b="Overdragen")
    stakeholder = services.add_stakeholder(actor=lead, session=session, name="Inwoners")
    a, b = selectors.ordered_options(session)
    services.record_weighing(
        actor=lead,
        session=session,
        weights={f"s{stakeholder.pk}": 3},
        scores={(a.pk, f"s{stakeholder.pk}"): -1, (b.pk, f"s{stakeholder.pk}"): 2},
    )
    services.go_to_step(actor=lead, session=session, number=8)
    client.force_login(lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    live = text(client.get(reverse("deliberation:projection_live", args=[session.pk])))
    rects = re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="([^"]+)"', live)
    assert len(rects) == 2
    for values in rects:
        for value in values:
            float(value)  # "320.5", never "320,5"
    assert "<desc" in live and "Zelf: -3; Overdragen: 6" in live


def test_the_screen_refresh_needs_the_same_number_of_queries_however_much_is_recorded(client, world):
    lead, session = world["lead"], world["session"]
    services.go_to_step(actor=lead, session=session, number=8)  # the weighing: options, stakeholders and values
    services.record_dilemma(actor=lead, session=session, question="Q", option_a="A", option_b="B")
    client.force_login(lead)
    url = reverse("deliberation:projection_live", args=[session.pk])

    def grow(n):
        for i in range(n):
            stakeholder = services.add_stakeholder(actor=lead, session=session, name=f"Betrokkene {i}")
            value = services.add_value(actor=lead, session=session, kind="waarde", text=f"Waarde {i}")
            option = services.add_option(actor=lead, session=session, text=f"Optie {i}")
            services.record_weighing(
                actor=lead,
                session=session,
                weights={},
                scores={(option.pk, f"s{stakeholder.pk}"): 1, (option.pk, f"v{value.pk}"): -1},
            )

    grow(1)
    small = count_queries(client, url)
    grow(6)
    assert count_queries(client, url) == small
