from datetime import date
from io import BytesIO

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plein.core.models import AuditEvent
from plein.core.tests.factories import EmployeeFactory
from plein.oaths import selectors
from plein.oaths.importers import OathImporter
from plein.oaths.models import Ceremony, Form, Registration
from plein.oaths.tests.factories import CeremonyFactory, RegistrationFactory, taken, texts

pytestmark = pytest.mark.django_db

TODAY = date(2025, 1, 15)


@pytest.fixture
def people(organisation):
    texts(organisation, effective_from=date(2020, 1, 1))
    return {
        n: EmployeeFactory(organisation=organisation, personnel_number=n, start_date=date(2024, 1, 8))
        for n in ("100001", "100002", "100003", "100004")
    }


def run(organisation, content: str | bytes, *, dry_run=False, filename="oaths.csv"):
    data = content.encode() if isinstance(content, str) else content
    return OathImporter(organisation=organisation, today=TODAY).run(data, dry_run=dry_run, filename=filename)


GOOD = (
    "personeelsnummer;datum;vorm;bijeenkomst\n"
    "100001;14-03-2024;eed;Ambtseed maart\n"
    "100002;2024-03-14;belofte;Ambtseed maart\n"
    "100003;2024-06-13;Belofte;Ambtseed juni\n"
    "100004;2024-04-02;eed;\n"
)


def test_good_file(organisation, people):
    result = run(organisation, GOOD)
    assert result.ok, result.errors
    assert (result.created, result.unchanged) == (4, 0)
    assert result.details["ceremonies_created"] == 2
    march = Ceremony.objects.get(import_label="Ambtseed maart")
    assert march.date == date(2024, 3, 14)
    assert march.registrations.count() == 2
    individual = Registration.objects.get(employee=people["100004"])
    assert individual.ceremony is None
    assert individual.source == Registration.Source.IMPORT
    assert individual.text.form == Form.OATH
    assert individual.period_start == date(2024, 1, 8)
    figures = selectors.annual_figures(organisation, 2024)
    assert (figures["ceremonies_held"], figures["sworn"], figures["oath"], figures["affirmation"]) == (2, 4, 2, 2)
    event = AuditEvent.objects.get(action="oaths.imported")
    assert event.data == {"registrations": 4, "ceremonies_created": 2, "withdrawn": 0}


def test_importing_again_changes_nothing(organisation, people):
    assert run(organisation, GOOD).ok
    again = run(organisation, GOOD)
    assert again.ok
    assert (again.created, again.unchanged) == (0, 4)
    assert Registration.objects.count() == 4
    assert Ceremony.objects.count() == 2


def test_same_label_on_another_date_is_another_ceremony(organisation, people):
    content = (
        "personeelsnummer,datum,vorm,bijeenkomst\n100001,2024-03-14,eed,Ambtseed\n100002,2024-06-13,eed,Ambtseed\n"
    )
    assert run(organisation, content).ok
    assert Ceremony.objects.filter(import_label="Ambtseed").count() == 2


def test_adds_to_an_earlier_imported_ceremony(organisation, people):
    assert run(organisation, "personeelsnummer;datum;vorm;bijeenkomst\n100001;2024-03-14;eed;Maart\n").ok
    result = run(organisation, "personeelsnummer;datum;vorm;bijeenkomst\n100002;2024-03-14;eed;Maart\n")
    assert result.ok and result.details["ceremonies_created"] == 0
    ceremony = Ceremony.objects.get()
    assert ceremony.registrations.count() == 2
    assert ceremony.capacity == 2


def test_every_bad_row_is_listed_and_nothing_is_saved(organisation, people):
    taken(people["100003"], date(2024, 2, 1), form=Form.OATH)
    content = (
        "personeelsnummer;datum;vorm;bijeenkomst\n"
        "100001;2024-03-14;eed;Maart\n"  # 2: fine
        "999999;2024-03-14;eed;Maart\n"  # 3: unknown person
        "100002;31-02-2024;eed;\n"  # 4: no such date
        "100002;2024-03-14;zweren;\n"  # 5: bad form
        "100004;2025-02-01;eed;\n"  # 6: future
        "100001;2024-03-14;belofte;\n"  # 7: same person, same date as line 2
        "100003;2024-02-01;belofte;\n"  # 8: conflicts with the register (other form that day)
        "100003;2024-05-01;eed;\n"  # 9: second oath in the same employment
        ";2024-05-01;eed;\n"  # 10: empty personnel number
    )
    result = run(organisation, content)
    assert not result.ok
    lines = sorted({issue.line for issue in result.errors})
    assert lines == [3, 4, 5, 6, 7, 8, 9, 10]
    messages = {issue.line: issue.message for issue in result.errors}
    assert "999999" in messages[3]
    assert "future" in messages[6] or "toekomst" in messages[6]
    assert "line 2" in messages[7] or "regel 2" in messages[7]
    columns = {issue.line: issue.column for issue in result.errors}
    assert columns[5] == "vorm"
    assert Registration.objects.count() == 1  # only the one made above
    assert not Ceremony.objects.exists()


def test_two_oaths_for_one_employment_in_the_file(organisation, people):
    content = "personeelsnummer;datum;vorm\n100001;2024-03-14;eed\n100001;2024-06-13;eed\n"
    result = run(organisation, content)
    assert [issue.line for issue in result.errors] == [3]


def test_re_entry_history(organisation):
    returner = EmployeeFactory(organisation=organisation, personnel_number="200001", start_date=date(2024, 2, 1))
    content = "personeelsnummer;datum;vorm\n200001;2012-05-10;eed\n200001;2024-03-14;belofte\n"
    result = run(organisation, content)
    assert result.ok, result.errors
    old, new = Registration.objects.filter(employee=returner).order_by("taken_on")
    assert old.period_start is None and old.text is None
    assert new.period_start == date(2024, 2, 1)


def test_dry_run_saves_nothing(organisation, people):
    result = run(organisation, GOOD, dry_run=True)
    assert result.ok and result.created == 4
    assert not Registration.objects.exists()
    assert not Ceremony.objects.exists()


def test_missing_column(organisation, people):
    result = run(organisation, "personeelsnummer;datum\n100001;2024-03-14\n")
    assert not result.ok
    assert "vorm" in result.errors[0].message


def test_english_headers_and_xlsx(organisation, people):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["personnel_number", "date", "form", "ceremony"])
    sheet.append([100001, date(2024, 3, 14), "oath", "March"])
    sheet.append(["100002", "2024-03-14", "affirmation", "March"])
    buffer = BytesIO()
    workbook.save(buffer)
    result = run(organisation, buffer.getvalue(), filename="oaths.xlsx")
    assert result.ok, result.errors
    assert Registration.objects.filter(form=Form.AFFIRMATION).count() == 1


def test_open_registration_is_withdrawn(organisation, people):
    later = CeremonyFactory(organisation=organisation, date=date(2025, 3, 13))
    open_registration = RegistrationFactory(organisation=organisation, ceremony=later, employee=people["100004"])
    result = run(organisation, GOOD)
    assert result.details["registrations_withdrawn"] == 1
    open_registration.refresh_from_db()
    assert open_registration.status == Registration.Status.WITHDRAWN


def test_command(organisation, people, tmp_path, capsys):
    good = tmp_path / "eden.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("import_oaths", str(good), "--organisation", organisation.slug)
    out = capsys.readouterr().out
    assert "4" in out
    bad = tmp_path / "fout.csv"
    bad.write_text("personeelsnummer;datum;vorm\n999999;2024-03-14;eed\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_oaths", str(bad), "--organisation", organisation.slug)
    assert "999999" in capsys.readouterr().err


def test_person_already_on_the_list_of_an_imported_ceremony(organisation, people):
    assert run(organisation, "personeelsnummer;datum;vorm;bijeenkomst\n100001;2024-03-14;eed;Maart\n").ok
    ceremony = Ceremony.objects.get()
    RegistrationFactory(
        organisation=organisation, ceremony=ceremony, employee=people["100002"], status=Registration.Status.ABSENT
    )
    result = run(organisation, "personeelsnummer;datum;vorm;bijeenkomst\n100002;2024-03-14;eed;Maart\n")
    assert [(issue.line, issue.column) for issue in result.errors] == [(2, "bijeenkomst")]
    assert ceremony.registrations.count() == 2
