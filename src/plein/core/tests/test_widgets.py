"""FastSelect renders what Django's Select renders, without a template per option (issue 12)."""

import pytest
from django import forms
from django.test.html import parse_html

from plein.core.widgets import FastSelect

CHOICES = [("", "Alle eenheden"), (1, "Directie"), (2, 'Directie/Team <Water> & "Wegen"'), (3, "Directie/Ruimte")]


@pytest.mark.parametrize("value", [None, "", 2, "3", "99"])
def test_same_markup_as_djangos_select(value):
    attrs = {"id": "id_unit", "class": "utrecht-select", "aria-describedby": "id_unit_helptext"}
    fast = FastSelect(attrs=attrs, choices=CHOICES).render("unit", value)
    django = forms.Select(attrs=attrs, choices=CHOICES).render("unit", value)
    assert parse_html(fast) == parse_html(django)
    assert "<Water>" not in fast  # labels are escaped


def test_model_choice_field_keeps_its_semantics(db):
    from plein.core.models import OrgUnit
    from plein.core.tests.factories import OrganisationFactory, OrgUnitFactory

    organisation = OrganisationFactory()
    top = OrgUnitFactory(organisation=organisation, name="Directie")
    team = OrgUnitFactory(organisation=organisation, parent=top, name="Team")
    units = OrgUnit.objects.filter(organisation=organisation).order_by("path")

    class Filter(forms.Form):
        unit = forms.ModelChoiceField(queryset=units, required=False, widget=FastSelect)

    form = Filter({"unit": str(team.pk)})
    assert form.is_valid() and form.cleaned_data["unit"] == team
    assert f'<option value="{team.pk}" selected>Directie/Team</option>' in str(form["unit"])
    assert not Filter({"unit": "999999"}).is_valid()
