from datetime import date

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plein.core import roles as R
from plein.core.models import AuditEvent, Employee
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory
from plein.oaths.models import CeremonyDilemma, Form, Invitation, OathText, Registration
from plein.oaths.tests.factories import CeremonyFactory, RegistrationFactory, taken, texts

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2024, 6, 1), tick=False):
        yield


@pytest.fixture
def hr(make_user):
    return make_user(R.HR)


@pytest.fixture
def ceremony(organisation):
    texts(organisation)
    return CeremonyFactory(organisation=organisation, date=date(2024, 6, 13), capacity=3, title="Ambtseed juni")


@pytest.fixture
def newcomer_user(make_user):
    return make_user(start_date=date(2024, 4, 1))


def login(client, user):
    client.force_login(user)
    return client


def pk_urls(ceremony, registration=None):
    urls = [
        ("get", reverse("oaths:ceremony_list")),
        ("get", reverse("oaths:ceremony_create")),
        ("get", reverse("oaths:ceremony_detail", args=[ceremony.pk])),
        ("get", reverse("oaths:ceremony_edit", args=[ceremony.pk])),
        ("get", reverse("oaths:check_in_list", args=[ceremony.pk])),
        ("get", reverse("oaths:ceremony_record_pdf", args=[ceremony.pk])),
        ("get", reverse("oaths:individual")),
        ("get", reverse("oaths:texts")),
        ("post", reverse("oaths:ceremony_invite", args=[ceremony.pk])),
        ("post", reverse("oaths:ceremony_register_employee", args=[ceremony.pk])),
        ("post", reverse("oaths:dilemma_add", args=[ceremony.pk])),
    ]
    if registration is not None:
        urls.append(("post", reverse("oaths:check_in", args=[ceremony.pk, registration.pk])))
    return urls


class TestAccess:
    def test_anonymous_goes_to_login(self, client, ceremony):
        reg = RegistrationFactory(organisation=ceremony.organisation, ceremony=ceremony)
        for method, url in [
            *pk_urls(ceremony, reg),
            ("get", reverse("oaths:mine")),
            ("get", reverse("oaths:overview")),
        ]:
            response = getattr(client, method)(url)
            assert response.status_code == 302, url
            assert reverse("account_login") in response["Location"]

    @pytest.mark.parametrize(
        "role", [None, R.MANAGER, R.AUDITOR, R.FUNCTIONAL_ADMIN, R.EDITOR, R.CONFIDENTIAL_ADVISER, R.FACILITATOR]
    )
    def test_management_pages_refused(self, client, make_user, unit, ceremony, role):
        user = make_user(role, unit=unit) if role else make_user()
        reg = RegistrationFactory(organisation=ceremony.organisation, ceremony=ceremony)
        login(client, user)
        for method, url in pk_urls(ceremony, reg):
            assert getattr(client, method)(url).status_code == 403, url
        assert Registration.objects.filter(status=Registration.Status.TAKEN).count() == 0

    @pytest.mark.parametrize("role", [None, R.AUDITOR, R.FUNCTIONAL_ADMIN, R.EDITOR])
    def test_overview_refused(self, client, make_user, role):
        login(client, make_user(role) if role else make_user())
        assert client.get(reverse("oaths:overview")).status_code == 403

    @pytest.mark.parametrize("role", [None, R.MANAGER, R.FUNCTIONAL_ADMIN, R.EDITOR])
    def test_figures_refused(self, client, make_user, unit, role):
        login(client, make_user(role, unit=unit) if role else make_user())
        assert client.get(reverse("oaths:figures")).status_code == 403

    @pytest.mark.parametrize("role", [R.HR, R.INTEGRITY_COORDINATOR])
    def test_hr_and_ic_manage(self, client, make_user, ceremony, role):
        login(client, make_user(role))
        for url in [
            reverse("oaths:overview"),
            reverse("oaths:ceremony_list"),
            reverse("oaths:ceremony_detail", args=[ceremony.pk]),
            reverse("oaths:check_in_list", args=[ceremony.pk]),
            reverse("oaths:texts"),
            reverse("oaths:individual"),
            reverse("oaths:figures"),
        ]:
            assert client.get(url).status_code == 200, url


class TestOverview:
    def test_lists_status_and_is_audited(self, client, organisation, hr):
        water = OrgUnitFactory(organisation=organisation, name="Water")
        late = EmployeeFactory(
            organisation=organisation, unit=water, last_name="Laatkomer", start_date=date(2024, 1, 2)
        )
        done = EmployeeFactory(organisation=organisation, last_name="Gedaan", start_date=date(2024, 1, 2))
        taken(done, date(2024, 2, 1))
        body = login(client, hr).get(reverse("oaths:overview")).content.decode()
        assert "Laatkomer" in body and "Gedaan" in body
        body = client.get(reverse("oaths:overview"), {"status": "overdue"}).content.decode()
        assert "Laatkomer" in body and "Gedaan" not in body
        body = client.get(reverse("oaths:overview"), {"unit": water.pk}).content.decode()
        assert late.last_name in body and "Gedaan" not in body
        event = AuditEvent.objects.filter(action="oaths.obligations_viewed").order_by("-seq").first()
        assert event.actor == hr and event.role == R.HR

    def test_counts_are_kept_until_a_change_and_per_selection(self, client, organisation, hr, settings):
        """Issue 12: the counts over everyone are the page's largest cost; with the page cache on they are kept."""
        from django.core.cache import cache

        settings.PLEIN_PAGE_CACHE_SECONDS = 60
        cache.clear()
        EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 2))
        login(client, hr)

        def counted():
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("oaths:overview"))
            grouped = [q for q in ctx.captured_queries if '"oath_status"' in q["sql"] and "GROUP BY" in q["sql"]]
            return response.context["counts"], len(grouped)

        first, ran = counted()
        assert ran == 1 and first["overdue"] >= 1
        EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 3))  # not through a request
        assert counted() == (first, 0)
        # Another selection is another key: counted now, so the new person is in it.
        selection = client.get(reverse("oaths:overview"), {"started_from": "2024-01-03", "started_to": "2024-01-03"})
        assert selection.context["counts"]["overdue"] == 1
        client.post(reverse("set_language"), {"language": "nl", "next": "/"})  # any change through the web
        again, ran = counted()
        assert ran == 1 and again["overdue"] == first["overdue"] + 1
        cache.clear()

    def test_bad_filter_gives_message(self, client, hr):
        response = login(client, hr).get(
            reverse("oaths:overview"), {"started_from": "2024-06-01", "started_to": "2024-01-01"}
        )
        assert response.status_code == 200
        assert "eerste begindatum moet op of vóór de tweede liggen" in response.content.decode()

    def test_manager_sees_own_unit(self, client, organisation, make_user):
        own = OrgUnitFactory(organisation=organisation, name="Water")
        other = OrgUnitFactory(organisation=organisation, name="Wegen")
        EmployeeFactory(organisation=organisation, unit=own, last_name="Inmijnteam", start_date=date(2024, 1, 2))
        EmployeeFactory(organisation=organisation, unit=other, last_name="Elders", start_date=date(2024, 1, 2))
        body = login(client, make_user(R.MANAGER, unit=own)).get(reverse("oaths:overview")).content.decode()
        assert "Inmijnteam" in body
        assert "Elders" not in body
        assert reverse("oaths:ceremony_list") not in body  # read-only: no management links

    def test_empty_state(self, client, hr):
        body = login(client, hr).get(reverse("oaths:overview"), {"q": "niemand"}).content.decode()
        assert "Nobody matches these filters" in body or "Niemand" in body

    def test_constant_queries(self, client, organisation, hr):
        login(client, hr)
        for _ in range(2):
            EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 2))
        client.get(reverse("oaths:overview"))
        with CaptureQueriesContext(connection) as small:
            client.get(reverse("oaths:overview"))
        for i in range(25):
            e = EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 2))
            if i % 3 == 0:
                taken(e, date(2024, 3, 1))
        with CaptureQueriesContext(connection) as large:
            response = client.get(reverse("oaths:overview"))
        assert response.context["page"].paginator.count == 28
        assert len(small.captured_queries) == len(large.captured_queries)

    def test_page_count_comes_from_the_status_counts(self, client, organisation, hr):
        """Issue 12: the paginator is told its count; no second COUNT over everyone."""
        Employee.objects.filter(user=hr).update(start_date=None)  # HR's own record: no obligation
        EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 2))  # overdue
        EmployeeFactory(organisation=organisation, start_date=date(2024, 5, 2))  # due
        taken(EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 2)), date(2024, 2, 1))
        login(client, hr)
        for params, expected in [({}, 3), ({"status": "overdue"}, 1), ({"status": "done"}, 1)]:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("oaths:overview"), params)
            assert response.context["counts"] == {"due": 1, "overdue": 1, "done": 1}
            assert response.context["page"].paginator.count == expected
            assert not [q for q in ctx.captured_queries if '"__count" FROM "core_employee"' in q["sql"]]

    def test_status_counts_use_the_faster_form_per_database(self, client, organisation, hr):
        """Issue 12: on PostgreSQL a correlated EXISTS over everyone pushed the plan past jit_above_cost, so the
        counts use ``id IN (taken oaths)`` there; SQLite keeps the indexed EXISTS, which measured faster."""
        EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 2))
        with CaptureQueriesContext(connection) as ctx:
            login(client, hr).get(reverse("oaths:overview"))
        grouped = [q["sql"] for q in ctx.captured_queries if '"oath_status"' in q["sql"] and "GROUP BY" in q["sql"]]
        assert grouped
        assert ("EXISTS" in grouped[0]) is (connection.vendor != "postgresql")

    def test_pages_follow_start_date_then_name(self, client, organisation, hr, monkeypatch):
        from plein.oaths import views

        monkeypatch.setattr(views, "PAGE_SIZE", 2)
        Employee.objects.filter(user=hr).update(start_date=None)  # HR's own record: no obligation
        for last_name, start in [("Claes", date(2024, 1, 3)), ("Bos", date(2024, 1, 2)), ("Aa", date(2024, 1, 3))]:
            EmployeeFactory(organisation=organisation, last_name=last_name, start_date=start)
        login(client, hr)
        first = client.get(reverse("oaths:overview")).content.decode()
        second = client.get(reverse("oaths:overview"), {"page": 2}).content.decode()
        assert first.index("Bos,") < first.index("Aa,") and "Claes," not in first
        assert "Claes," in second and "Bos," not in second and "Aa," not in second

    def test_rows_escape_names_and_link_confirmations_for_hr_only(self, client, organisation, hr, make_user):
        """The rows are built with format_html (issue 12): every value escaped, the link only for who manages."""
        unit = OrgUnitFactory(organisation=organisation, name="Water & <Wegen>")
        done = EmployeeFactory(
            organisation=organisation, unit=unit, last_name="<b>Bakker</b>", start_date=date(2024, 1, 2)
        )
        registration = taken(done, date(2024, 2, 1), form=Form.AFFIRMATION)
        body = login(client, hr).get(reverse("oaths:overview")).content.decode()
        assert "&lt;b&gt;Bakker&lt;/b&gt;" in body and "<b>Bakker" not in body
        assert "Water &amp; &lt;Wegen&gt;" in body
        assert "2 Jan 2024" in body and "2 Apr 2024" in body and "1 Feb 2024, " in body
        assert f'href="{reverse("oaths:confirmation", args=[registration.pk])}"' in body
        body = login(client, make_user(R.MANAGER, unit=unit)).get(reverse("oaths:overview")).content.decode()
        assert "&lt;b&gt;Bakker&lt;/b&gt;" in body
        assert reverse("oaths:confirmation", args=[registration.pk]) not in body


class TestCeremonyPages:
    def test_create_with_bad_input_saves_nothing(self, client, hr):
        response = login(client, hr).post(
            reverse("oaths:ceremony_create"), {"title": "", "date": "31-02-2024", "capacity": "0"}
        )
        assert response.status_code == 200
        assert not response.context["form"].is_valid()
        from plein.oaths.models import Ceremony

        assert not Ceremony.objects.exists()

    def test_create(self, client, hr):
        response = login(client, hr).post(
            reverse("oaths:ceremony_create"),
            {
                "title": "Ambtseed september",
                "date": "2024-09-12",
                "start_time": "15:00",
                "location": "Statenzaal",
                "chair_name": "Jolanda ter Horst",
                "chair_title": "provinciesecretaris",
                "witnesses": "Ineke de Vries",
                "capacity": "45",
                "format": "interactief",
                "programme": "Plenair deel, eedaflegging, moreel beraad",
            },
        )
        from plein.oaths.models import Ceremony

        ceremony = Ceremony.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("oaths:ceremony_detail", args=[ceremony.pk])
        assert ceremony.capacity == 45

    def test_edit_capacity_below_registrations(self, client, organisation, ceremony, hr):
        for _ in range(2):
            RegistrationFactory(organisation=organisation, ceremony=ceremony)
        response = login(client, hr).post(
            reverse("oaths:ceremony_edit", args=[ceremony.pk]),
            {"title": ceremony.title, "date": "2024-06-13", "chair_name": "PS", "capacity": "1", "format": "klassiek"},
        )
        assert response.status_code == 200
        assert "kan niet lager zijn" in response.content.decode()
        ceremony.refresh_from_db()
        assert ceremony.capacity == 3

    def test_detail_register_invite_and_dilemma(
        self, client, organisation, ceremony, hr, django_capture_on_commit_callbacks
    ):
        person = EmployeeFactory(organisation=organisation, start_date=date(2024, 4, 1), personnel_number="200001")
        other = EmployeeFactory(organisation=organisation, start_date=date(2024, 3, 1))
        taken(hr.employee, date(2020, 1, 1))
        login(client, hr)
        response = client.post(
            reverse("oaths:ceremony_register_employee", args=[ceremony.pk]),
            {"personnel_number": "200001", "form": "belofte"},
            follow=True,
        )
        assert "has been registered" in response.content.decode() or "aangemeld" in response.content.decode()
        assert Registration.objects.get(employee=person).form == Form.AFFIRMATION
        response = client.post(
            reverse("oaths:ceremony_register_employee", args=[ceremony.pk]),
            {"personnel_number": "200001", "form": "belofte"},
            follow=True,
        )
        assert Registration.objects.filter(employee=person).count() == 1
        assert len(list(response.context["messages"])) == 1
        response = client.post(
            reverse("oaths:ceremony_register_employee", args=[ceremony.pk]),
            {"personnel_number": "999999", "form": "eed"},
            follow=True,
        )
        assert "999999" in response.content.decode()

        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("oaths:ceremony_invite", args=[ceremony.pk]), {})
        assert list(Invitation.objects.filter(ceremony=ceremony).values_list("employee", flat=True)) == [other.pk]
        assert [m.to for m in mail.outbox] == [[other.email]]

        question = "Hoe verhoudt het demonstratierecht zich tot het zijn van ambtenaar?"
        client.post(reverse("oaths:dilemma_add", args=[ceremony.pk]), {"question": question})
        assert CeremonyDilemma.objects.get().question == question
        body = client.get(reverse("oaths:ceremony_detail", args=[ceremony.pk])).content.decode()
        assert "demonstratierecht" in body
        assert AuditEvent.objects.filter(action="oaths.ceremony_viewed").exists()

    def test_ceremony_of_other_organisation_is_404(self, client, hr):
        from plein.core.tests.factories import OrganisationFactory

        other = CeremonyFactory(organisation=OrganisationFactory(slug="elders", name="Elders"))
        assert login(client, hr).get(reverse("oaths:ceremony_detail", args=[other.pk])).status_code == 404

    def test_ceremony_list_pagination_and_queries(self, client, organisation, hr):
        login(client, hr)
        CeremonyFactory(organisation=organisation)
        client.get(reverse("oaths:ceremony_list"))
        with CaptureQueriesContext(connection) as small:
            client.get(reverse("oaths:ceremony_list"))
        for _ in range(60):
            CeremonyFactory(organisation=organisation)
        with CaptureQueriesContext(connection) as large:
            response = client.get(reverse("oaths:ceremony_list"))
        assert len(small.captured_queries) == len(large.captured_queries)
        assert len(response.context["page"].object_list) == 50
        assert client.get(reverse("oaths:ceremony_list"), {"page": 2}).context["page"].number == 2

    def test_empty_ceremony_list(self, client, hr):
        body = login(client, hr).get(reverse("oaths:ceremony_list")).content.decode()
        assert response_has_no_table(body)


def response_has_no_table(body):
    return "<table" not in body


class TestCheckIn:
    @pytest.fixture
    def registration(self, organisation, ceremony):
        person = EmployeeFactory(organisation=organisation, start_date=date(2024, 4, 1), last_name="Zwerink")
        return RegistrationFactory(
            organisation=organisation,
            ceremony=ceremony,
            employee=person,
            form=Form.OATH,
            text=OathText.objects.get(form=Form.OATH),
        )

    def test_check_in_list_before_the_day_has_no_buttons(self, client, ceremony, registration, hr):
        body = login(client, hr).get(reverse("oaths:check_in_list", args=[ceremony.pk])).content.decode()
        assert "Zwerink" in body
        assert 'value="eed"' not in body

    def test_check_in_on_the_day_and_double_check_in(self, client, ceremony, registration, hr):
        url = reverse("oaths:check_in", args=[ceremony.pk, registration.pk])
        with time_machine.travel(date(2024, 6, 13), tick=False):
            login(client, hr)
            body = client.get(reverse("oaths:check_in_list", args=[ceremony.pk])).content.decode()
            assert 'value="eed"' in body and 'value="belofte"' in body
            response = client.post(url, {"action": "belofte"})
            assert response.status_code == 302
            assert response["Location"].endswith(f"#r{registration.pk}")
            registration.refresh_from_db()
            assert registration.status == Registration.Status.TAKEN
            assert registration.form == Form.AFFIRMATION
            response = client.post(url, {"action": "eed"}, follow=True)
            messages = [str(m) for m in response.context["messages"]]
            assert any("Zwerink" in m for m in messages)
            registration.refresh_from_db()
            assert registration.form == Form.AFFIRMATION
            assert Registration.objects.filter(status=Registration.Status.TAKEN).count() == 1
            response = client.post(url, {"action": "unknown"}, follow=True)
            assert response.status_code == 200

    def test_check_in_requires_post(self, client, ceremony, registration, hr):
        url = reverse("oaths:check_in", args=[ceremony.pk, registration.pk])
        assert login(client, hr).get(url).status_code == 405

    def test_record_pdf(self, client, organisation, ceremony, registration, hr):
        from io import BytesIO

        from pypdf import PdfReader

        registration.status = Registration.Status.TAKEN
        registration.taken_on = ceremony.date
        registration.save()
        CeremonyDilemma.objects.create(ceremony=ceremony, question="Demonstratierecht en ambtenaarschap")
        response = login(client, hr).get(reverse("oaths:ceremony_record_pdf", args=[ceremony.pk]))
        assert response["Content-Type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
        assert "Zwerink" in text
        assert "Jolanda ter Horst" in text
        assert "Ineke de Vries" in text
        assert "Demonstratierecht" in text
        assert AuditEvent.objects.filter(action="oaths.record_downloaded").exists()


class TestEmployeePages:
    def test_mine_shows_status_and_ceremonies(self, client, ceremony, newcomer_user):
        body = login(client, newcomer_user).get(reverse("oaths:mine")).content.decode()
        assert "Ambtseed juni" in body
        assert "1 juli 2024" in body  # due date

    def test_self_register_and_withdraw(self, client, ceremony, newcomer_user):
        login(client, newcomer_user)
        client.post(reverse("oaths:self_register", args=[ceremony.pk]), {"form": "belofte"})
        registration = Registration.objects.get(employee=newcomer_user.employee)
        assert registration.form == Form.AFFIRMATION
        body = client.get(reverse("oaths:mine")).content.decode()
        assert reverse("oaths:withdraw", args=[registration.pk]) in body
        client.post(reverse("oaths:withdraw", args=[registration.pk]))
        registration.refresh_from_db()
        assert registration.status == Registration.Status.WITHDRAWN

    def test_self_register_without_choice(self, client, ceremony, newcomer_user):
        response = login(client, newcomer_user).post(
            reverse("oaths:self_register", args=[ceremony.pk]), {}, follow=True
        )
        assert not Registration.objects.exists()
        assert len(list(response.context["messages"])) == 1

    def test_cannot_withdraw_someone_else(self, client, organisation, ceremony, newcomer_user):
        other = RegistrationFactory(organisation=organisation, ceremony=ceremony)
        response = login(client, newcomer_user).post(reverse("oaths:withdraw", args=[other.pk]))
        assert response.status_code == 403
        other.refresh_from_db()
        assert other.status == Registration.Status.REGISTERED

    def test_confirmation_own_only(self, client, organisation, newcomer_user):
        texts(organisation)
        own = taken(newcomer_user.employee, date(2024, 5, 16))
        own.text = OathText.objects.get(form=Form.OATH)
        own.save()
        someone = taken(EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 1)), date(2024, 5, 16))
        login(client, newcomer_user)
        body = client.get(reverse("oaths:confirmation", args=[own.pk])).content.decode()
        assert "16 mei 2024" in body
        assert "Zo waarlijk helpe mij God almachtig" in body
        pdf = client.get(reverse("oaths:confirmation_pdf", args=[own.pk]))
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        assert client.get(reverse("oaths:confirmation", args=[someone.pk])).status_code == 403
        assert client.get(reverse("oaths:confirmation_pdf", args=[someone.pk])).status_code == 403
        assert AuditEvent.objects.filter(action="oaths.confirmation_downloaded").count() == 1

    def test_no_obligation(self, client, make_user):
        user = make_user(employment_type="inhuur", start_date=date(2024, 4, 1))
        CeremonyFactory(organisation=user.employee.organisation, date=date(2024, 9, 12))
        response = login(client, user).get(reverse("oaths:mine"))
        assert response.context["obligation"] is None
        assert response.context["ceremonies"] == []
        assert "/inschrijven/" not in response.content.decode()


class TestIndividualAndTexts:
    def test_individual(self, client, organisation, hr):
        texts(organisation)
        person = EmployeeFactory(organisation=organisation, start_date=date(2024, 4, 1), personnel_number="300003")
        response = login(client, hr).post(
            reverse("oaths:individual"),
            {"personnel_number": "300003", "form": "eed", "taken_on": "2024-05-30", "sworn_before": "PS"},
        )
        registration = Registration.objects.get(employee=person)
        assert response["Location"] == reverse("oaths:confirmation", args=[registration.pk])
        response = client.post(
            reverse("oaths:individual"),
            {"personnel_number": "300003", "form": "eed", "taken_on": "2024-05-31", "sworn_before": "PS"},
        )
        assert response.status_code == 200
        assert "already took" in response.content.decode() or "al" in response.content.decode()
        assert Registration.objects.filter(employee=person).count() == 1

    def test_individual_unknown_number(self, client, hr):
        response = login(client, hr).post(
            reverse("oaths:individual"),
            {"personnel_number": "404", "form": "eed", "taken_on": "2024-05-30", "sworn_before": "PS"},
        )
        assert response.status_code == 200
        assert "personnel_number" in response.context["form"].errors

    def test_texts(self, client, organisation, hr):
        login(client, hr)
        client.post(reverse("oaths:texts"), {"form": "eed", "effective_from": "2020-01-01", "text": "Ik zweer"})
        response = client.post(reverse("oaths:texts"), {"form": "eed", "effective_from": "2019-01-01", "text": "Oud"})
        assert response.status_code == 200
        assert OathText.objects.count() == 1
        body = client.get(reverse("oaths:texts")).content.decode()
        assert "Ik zweer" in body


class TestFigures:
    @pytest.mark.parametrize("role", [R.AUDITOR, R.HR, R.INTEGRITY_COORDINATOR])
    def test_figures_are_aggregate(self, client, organisation, make_user, role):
        person = EmployeeFactory(organisation=organisation, last_name="Geheimnaam", start_date=date(2024, 1, 2))
        taken(person, date(2024, 3, 14))
        response = login(client, make_user(role)).get(reverse("oaths:figures"), {"year": "2024"})
        assert response.status_code == 200
        assert response.context["figures"]["sworn"] == 1
        assert "Geheimnaam" not in response.content.decode()

    def test_bad_year_falls_back(self, client, make_user):
        response = login(client, make_user(R.AUDITOR)).get(reverse("oaths:figures"), {"year": "abc"})
        assert response.status_code == 200
        assert response.context["year"] == 2024
