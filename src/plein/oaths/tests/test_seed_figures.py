"""The demo province reproduces the seed report's oath figures for 2024: 4 ceremonies, 156 people sworn."""

import pytest
from django.core.management import call_command

from plein.core.models import Organisation
from plein.oaths.selectors import annual_figures


@pytest.mark.django_db
def test_demo_reproduces_the_seed_report_for_2024():
    call_command("load_demo", "--today", "2026-11-28")
    figures = annual_figures(Organisation.objects.get(slug="veenland"), 2024)
    assert figures["ceremonies_held"] == 4
    assert figures["sworn"] == 156
    assert figures["oath"] + figures["affirmation"] == 156
