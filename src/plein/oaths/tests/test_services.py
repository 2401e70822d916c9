from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory
from plein.oaths import services
from plein.oaths.models import Ceremony, Form, Invitation, OathText, Registration
from plein.oaths.tests.factories import CeremonyFactory, RegistrationFactory, taken, texts

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 1)


@pytest.fixture
def hr(make_user):
    return make_user(R.HR)


@pytest.fixture
def ceremony(organisation):
    texts(organisation)
    return CeremonyFactory(organisation=organisation, date=date(2024, 6, 13), capacity=2)


@pytest.fixture
def newcomer(organisation):
    return EmployeeFactory(organisation=organisation, start_date=date(2024, 4, 1))


def last_event(action):
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


class TestTexts:
    def test_versions_follow_in_time(self, organisation, hr):
        v1 = services.create_oath_text(
            actor=hr, organisation=organisation, form=Form.OATH, text=" Ik zweer ", effective_from=date(2020, 1, 1)
        )
        v2 = services.create_oath_text(
            actor=hr, organisation=organisation, form=Form.OATH, text="Nieuw", effective_from=date(2024, 7, 1)
        )
        assert (v1.version, v1.text, v2.version) == (1, "Ik zweer", 2)
        event = last_event("oaths.text_created")
        assert event.data == {"form": "eed", "version": 2}  # no content in the audit log

    def test_earlier_or_same_date_refused(self, organisation, hr):
        services.create_oath_text(
            actor=hr, organisation=organisation, form=Form.OATH, text="A", effective_from=date(2024, 1, 1)
        )
        with pytest.raises(ValidationError, match="later ingaan dan de huidige versie"):
            services.create_oath_text(
                actor=hr, organisation=organisation, form=Form.OATH, text="B", effective_from=date(2024, 1, 1)
            )
        assert OathText.objects.count() == 1

    def test_empty_text_refused(self, organisation, hr):
        with pytest.raises(ValidationError):
            services.create_oath_text(
                actor=hr, organisation=organisation, form=Form.OATH, text="  ", effective_from=date(2024, 1, 1)
            )


class TestRegister:
    def test_register_records_text_version(self, ceremony, newcomer, hr):
        registration = services.register(
            actor=hr, ceremony=ceremony, employee=newcomer, form=Form.AFFIRMATION, today=TODAY
        )
        assert registration.status == Registration.Status.REGISTERED
        assert registration.text.form == Form.AFFIRMATION
        assert last_event("oaths.registered").data["text_version"] == 1

    def test_text_version_in_effect_on_the_ceremony_date(self, organisation, ceremony, newcomer, hr):
        OathText.objects.create(
            organisation=organisation, form=Form.OATH, version=2, text="Nieuwe eed", effective_from=date(2024, 6, 10)
        )
        registration = services.register(actor=hr, ceremony=ceremony, employee=newcomer, form=Form.OATH, today=TODAY)
        assert registration.text.version == 2

    def test_no_text_in_effect(self, organisation, newcomer, hr):
        ceremony = CeremonyFactory(organisation=organisation, date=date(2024, 6, 13))
        with pytest.raises(ValidationError, match="geen geldige tekst van de eed"):
            services.register(actor=hr, ceremony=ceremony, employee=newcomer, form=Form.OATH, today=TODAY)
        assert not Registration.objects.exists()

    def test_already_took_the_oath(self, ceremony, newcomer, hr):
        taken(newcomer, date(2024, 5, 2))
        with pytest.raises(ValidationError, match="heeft de eed of belofte al afgelegd op 2 mei 2024"):
            services.register(actor=hr, ceremony=ceremony, employee=newcomer, form=Form.OATH, today=TODAY)
        assert Registration.objects.filter(status=Registration.Status.REGISTERED).count() == 0

    def test_double_registration(self, ceremony, newcomer, hr):
        services.register(actor=hr, ceremony=ceremony, employee=newcomer, form=Form.OATH, today=TODAY)
        with pytest.raises(ValidationError, match="is al aangemeld voor deze eedaflegging"):
            services.register(actor=hr, ceremony=ceremony, employee=newcomer, form=Form.OATH, today=TODAY)
        assert Registration.objects.count() == 1

    def test_registered_elsewhere(self, organisation, ceremony, newcomer, hr):
        other = CeremonyFactory(organisation=organisation, date=date(2024, 9, 12))
        services.register(actor=hr, ceremony=other, employee=newcomer, form=Form.OATH, today=TODAY)
        with pytest.raises(ValidationError, match="Trek die aanmelding eerst in"):
            services.register(actor=hr, ceremony=ceremony, employee=newcomer, form=Form.OATH, today=TODAY)

    def test_over_capacity(self, organisation, ceremony, hr):
        people = [EmployeeFactory(organisation=organisation, start_date=date(2024, 4, 1)) for _ in range(3)]
        for person in people[:2]:
            services.register(actor=hr, ceremony=ceremony, employee=person, form=Form.OATH, today=TODAY)
        with pytest.raises(ValidationError, match="Deze eedaflegging is vol: alle 2 plaatsen zijn bezet"):
            services.register(actor=hr, ceremony=ceremony, employee=people[2], form=Form.OATH, today=TODAY)
        assert ceremony.registrations.count() == 2

    def test_withdrawn_places_are_free_again_and_can_re_register(self, organisation, ceremony, newcomer, hr):
        other = EmployeeFactory(organisation=organisation, start_date=date(2024, 4, 1))
        first = services.register(actor=hr, ceremony=ceremony, employee=newcomer, form=Form.OATH, today=TODAY)
        services.register(actor=hr, ceremony=ceremony, employee=other, form=Form.OATH, today=TODAY)
        services.withdraw(actor=hr, registration=first)
        again = services.register(actor=hr, ceremony=ceremony, employee=newcomer, form=Form.AFFIRMATION, today=TODAY)
        assert again.pk == first.pk
        assert again.status == Registration.Status.REGISTERED
        assert again.form == Form.AFFIRMATION

    def test_past_ceremony(self, ceremony, newcomer, hr):
        with pytest.raises(ValidationError, match="is al geweest"):
            services.register(actor=hr, ceremony=ceremony, employee=newcomer, form=Form.OATH, today=date(2024, 7, 1))

    def test_external_has_no_obligation(self, organisation, ceremony, hr):
        external = EmployeeFactory(organisation=organisation, employment_type="inhuur", start_date=date(2024, 4, 1))
        with pytest.raises(ValidationError, match="hoeft de eed of belofte niet af te leggen"):
            services.register(actor=hr, ceremony=ceremony, employee=external, form=Form.OATH, today=TODAY)

    def test_database_refuses_duplicates_too(self, ceremony, newcomer):
        RegistrationFactory(organisation=ceremony.organisation, ceremony=ceremony, employee=newcomer)
        with pytest.raises(IntegrityError), transaction.atomic():
            RegistrationFactory(organisation=ceremony.organisation, ceremony=ceremony, employee=newcomer)


class TestCheckIn:
    @pytest.fixture
    def registration(self, ceremony, newcomer, hr):
        return services.register(actor=hr, ceremony=ceremony, employee=newcomer, form=Form.OATH, today=TODAY)

    def test_check_in_records_who_and_presence(self, registration, hr):
        done = services.check_in(actor=hr, registration=registration, form=Form.AFFIRMATION, today=date(2024, 6, 13))
        assert done.status == Registration.Status.TAKEN
        assert done.form == Form.AFFIRMATION
        assert done.text.form == Form.AFFIRMATION
        assert done.taken_on == date(2024, 6, 13)
        assert done.period_start == date(2024, 4, 1)
        assert done.sworn_before == "Jolanda ter Horst (provinciesecretaris)"
        assert done.checked_in_by == hr
        assert last_event("oaths.checked_in").target_id == str(done.pk)

    def test_double_check_in(self, registration, hr):
        services.check_in(actor=hr, registration=registration, form=Form.OATH, today=date(2024, 6, 13))
        with pytest.raises(ValidationError, match="is al afgevinkt"):
            services.check_in(actor=hr, registration=registration, form=Form.AFFIRMATION, today=date(2024, 6, 13))
        registration.refresh_from_db()
        assert registration.form == Form.OATH
        assert Registration.objects.filter(status=Registration.Status.TAKEN).count() == 1

    def test_not_before_the_day(self, registration, hr):
        with pytest.raises(ValidationError, match="vanaf de dag van de eedaflegging"):
            services.check_in(actor=hr, registration=registration, form=Form.OATH, today=date(2024, 6, 12))

    def test_already_took_it_elsewhere(self, registration, newcomer, hr):
        # Took it individually meanwhile (recorded directly, as an import would).
        taken(newcomer, date(2024, 6, 5))
        with pytest.raises(ValidationError, match="heeft de eed of belofte al afgelegd"):
            services.check_in(actor=hr, registration=registration, form=Form.OATH, today=date(2024, 6, 13))
        registration.refresh_from_db()
        assert registration.status == Registration.Status.REGISTERED

    def test_database_allows_one_oath_per_employment(self, newcomer):
        taken(newcomer, date(2024, 6, 5))
        with pytest.raises(IntegrityError), transaction.atomic():
            taken(newcomer, date(2024, 6, 6))

    def test_absent_and_undo(self, registration, hr):
        services.mark_absent(actor=hr, registration=registration, today=date(2024, 6, 13))
        registration.refresh_from_db()
        assert registration.status == Registration.Status.ABSENT
        services.undo_check_in(actor=hr, registration=registration)
        services.check_in(actor=hr, registration=registration, form=Form.OATH, today=date(2024, 6, 13))
        services.undo_check_in(actor=hr, registration=registration)
        registration.refresh_from_db()
        assert registration.status == Registration.Status.REGISTERED
        assert registration.taken_on is None

    def test_withdrawn_cannot_be_checked_in(self, registration, hr):
        services.withdraw(actor=hr, registration=registration)
        with pytest.raises(ValidationError, match="aanmelding .* is ingetrokken"):
            services.check_in(actor=hr, registration=registration, form=Form.OATH, today=date(2024, 6, 13))


class TestIndividual:
    def test_individual_oath_withdraws_open_registration(self, ceremony, newcomer, hr):
        open_reg = services.register(actor=hr, ceremony=ceremony, employee=newcomer, form=Form.OATH, today=TODAY)
        registration = services.register_individual_oath(
            actor=hr,
            employee=newcomer,
            form=Form.OATH,
            taken_on=date(2024, 5, 30),
            sworn_before="J. ter Horst, provinciesecretaris",
            location="Kamer 2.14",
            today=TODAY,
        )
        assert registration.source == Registration.Source.INDIVIDUAL
        assert registration.status == Registration.Status.TAKEN
        assert registration.text.version == 1
        open_reg.refresh_from_db()
        assert open_reg.status == Registration.Status.WITHDRAWN
        assert last_event("oaths.individual_registered").data["withdrawn"] == 1

    def test_individual_already_took_it(self, ceremony, newcomer, hr):
        taken(newcomer, date(2024, 5, 2))
        with pytest.raises(ValidationError, match="al afgelegd"):
            services.register_individual_oath(
                actor=hr, employee=newcomer, form=Form.OATH, taken_on=TODAY, sworn_before="PS", today=TODAY
            )

    def test_future_date_and_missing_presence(self, ceremony, newcomer, hr):
        with pytest.raises(ValidationError, match="toekomst"):
            services.register_individual_oath(
                actor=hr, employee=newcomer, form=Form.OATH, taken_on=date(2024, 6, 2), sworn_before="PS", today=TODAY
            )
        with pytest.raises(ValidationError, match="bijzijn"):
            services.register_individual_oath(
                actor=hr, employee=newcomer, form=Form.OATH, taken_on=TODAY, sworn_before=" ", today=TODAY
            )
        assert not Registration.objects.exists()

    def test_re_entry_with_new_oath_configured(self, organisation, ceremony, hr, settings):
        returner = EmployeeFactory(organisation=organisation, start_date=date(2015, 1, 5))
        taken(returner, date(2015, 2, 12))
        returner.start_date = date(2024, 3, 1)
        returner.save()
        with pytest.raises(ValidationError, match="al afgelegd"):
            services.register(actor=hr, ceremony=ceremony, employee=returner, form=Form.OATH, today=TODAY)
        settings.PLEIN = {**settings.PLEIN, "OATH_EARLIER_OATH_COUNTS": False}
        registration = services.register(actor=hr, ceremony=ceremony, employee=returner, form=Form.OATH, today=TODAY)
        done = services.check_in(actor=hr, registration=registration, form=Form.OATH, today=date(2024, 6, 13))
        assert done.period_start == date(2024, 3, 1)
        assert returner.oath_registrations.filter(status=Registration.Status.TAKEN).count() == 2


class TestCeremonies:
    def test_create_fills_chair_name(self, organisation, hr):
        ps = EmployeeFactory(organisation=organisation, first_name="Jolanda", infix="ter", last_name="Horst")
        ceremony = services.create_ceremony(
            actor=hr,
            organisation=organisation,
            title="Ambtseed maart",
            date=date(2024, 3, 14),
            chair=ps,
            chair_title="provinciesecretaris",
            capacity=45,
        )
        assert ceremony.chair_name == "Jolanda ter Horst"
        assert ceremony.chair_display == "Jolanda ter Horst (provinciesecretaris)"
        assert last_event("oaths.ceremony_created").data == {"date": "2024-03-14", "capacity": 45}

    def test_capacity_not_below_registrations(self, organisation, ceremony, newcomer, hr):
        other = EmployeeFactory(organisation=organisation, start_date=date(2024, 4, 1))
        services.register(actor=hr, ceremony=ceremony, employee=newcomer, form=Form.OATH, today=TODAY)
        services.register(actor=hr, ceremony=ceremony, employee=other, form=Form.OATH, today=TODAY)
        with pytest.raises(ValidationError, match="kan niet lager zijn"):
            services.update_ceremony(actor=hr, ceremony=ceremony, capacity=1)
        ceremony.refresh_from_db()
        assert ceremony.capacity == 2
        services.update_ceremony(actor=hr, ceremony=ceremony, capacity=10, location="Zaal 3")
        ceremony.refresh_from_db()
        assert (ceremony.capacity, ceremony.location) == (10, "Zaal 3")

    def test_capacity_must_be_positive(self, organisation, hr):
        with pytest.raises(ValidationError):
            services.create_ceremony(
                actor=hr, organisation=organisation, title="X", date=date(2024, 3, 14), chair_name="PS", capacity=0
            )
        assert not Ceremony.objects.exists()

    def test_dilemmas_recorded_once(self, ceremony, hr):
        question = "Hoe verhoudt het demonstratierecht zich tot het zijn van ambtenaar?"
        dilemma = services.add_dilemma(actor=hr, ceremony=ceremony, question=question, library_reference="MB-12")
        assert dilemma.library_reference == "MB-12"
        with pytest.raises(ValidationError, match="al vastgelegd"):
            services.add_dilemma(actor=hr, ceremony=ceremony, question=question)
        assert ceremony.dilemmas.count() == 1
        assert last_event("oaths.dilemma_recorded").data == {"ceremony": ceremony.pk, "library_reference": "MB-12"}
        services.remove_dilemma(actor=hr, dilemma=dilemma)
        assert ceremony.dilemmas.count() == 0


class TestInvite:
    def test_invites_due_people_and_mails_them(self, organisation, ceremony, hr, django_capture_on_commit_callbacks):
        ceremony.capacity = 10
        ceremony.save()
        water = OrgUnitFactory(organisation=organisation, name="Water")
        due = EmployeeFactory(organisation=organisation, unit=water, start_date=date(2024, 4, 1))
        overdue = EmployeeFactory(organisation=organisation, unit=water, start_date=date(2024, 1, 2))
        done = EmployeeFactory(organisation=organisation, unit=water, start_date=date(2024, 1, 2))
        taken(done, date(2024, 3, 1))
        elsewhere = EmployeeFactory(organisation=organisation, unit=water, start_date=date(2024, 1, 2))
        other_unit = EmployeeFactory(organisation=organisation, start_date=date(2024, 4, 1))
        external = EmployeeFactory(
            organisation=organisation, unit=water, employment_type="inhuur", start_date=date(2024, 4, 1)
        )
        later = CeremonyFactory(organisation=organisation, date=date(2024, 9, 12))
        services.register(actor=hr, ceremony=later, employee=elsewhere, form=Form.OATH, today=TODAY)

        with django_capture_on_commit_callbacks(execute=True):
            count = services.invite_due_employees(actor=hr, ceremony=ceremony, today=TODAY, unit=water)
        assert count == 2
        invited = set(Invitation.objects.filter(ceremony=ceremony).values_list("employee", flat=True))
        assert invited == {due.pk, overdue.pk}
        assert {m.to[0] for m in mail.outbox} == {due.email, overdue.email}
        assert "13 juni 2024" in mail.outbox[0].subject
        assert other_unit.pk not in invited and external.pk not in invited

        # Again: nobody new.
        assert services.invite_due_employees(actor=hr, ceremony=ceremony, today=TODAY, unit=water) == 0

    def test_invites_at_most_the_free_places(self, organisation, ceremony, hr):
        for _ in range(5):
            EmployeeFactory(organisation=organisation, start_date=date(2024, 4, 1))
        assert services.invite_due_employees(actor=hr, ceremony=ceremony, today=TODAY) == 2

    def test_past_ceremony(self, ceremony, hr):
        with pytest.raises(ValidationError, match="is al geweest"):
            services.invite_due_employees(actor=hr, ceremony=ceremony, today=date(2024, 7, 1))


def test_ceremony_before_the_start_date(organisation, ceremony, hr):
    starter = EmployeeFactory(organisation=organisation, start_date=date(2024, 7, 1))
    with pytest.raises(ValidationError, match="voordat .* in dienst komt"):
        services.register(actor=hr, ceremony=ceremony, employee=starter, form=Form.OATH, today=TODAY)
    assert not Registration.objects.exists()
