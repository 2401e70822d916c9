"""Shapes of the REST API. Reading serializers show records; writing serializers check only the shape (text or null),
because the values themselves are checked by the import's rules in ``plein.api.services``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from plein.core.models import EmploymentType, OrgUnit

EMPLOYMENT_TYPES = ", ".join(EmploymentType.values)
UNIT_KINDS = ", ".join(OrgUnit.Kind.values)


def text(help_text: str = "", **kwargs) -> serializers.CharField:
    """A text field for writing: may be absent, null or empty; the import's rules decide whether that is allowed."""
    return serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text=help_text, **kwargs)


@extend_schema_field(OpenApiTypes.DATE)
class DateText(serializers.CharField):
    """A date as text, parsed by the import's date parser (YYYY-MM-DD, or DD-MM-YYYY as in a spreadsheet)."""


def date_text(help_text: str) -> DateText:
    return DateText(required=False, allow_null=True, allow_blank=True, help_text=help_text)


# --- people -----------------------------------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    """A person (employee) as the API shows them."""

    personnel_number = serializers.CharField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    infix = serializers.CharField(read_only=True, help_text="For example: van, de, van der.")
    last_name = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    unit = serializers.CharField(
        source="unit.path", read_only=True, allow_null=True, help_text="The unit's path: Directie/Domein/Team."
    )
    position_code = serializers.CharField(source="position.code", read_only=True, allow_null=True)
    position_title = serializers.CharField(source="position.title", read_only=True, allow_null=True)
    manager = serializers.CharField(
        source="manager.personnel_number", read_only=True, allow_null=True, help_text="The manager's personnel number."
    )
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices, read_only=True)
    start_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)


class PersonWriteSerializer(serializers.Serializer):
    """A person to write: the columns of the people import (docs/import-people.md), by their English names.

    Required when adding a person: personnel_number, first_name, last_name, unit, employment_type and start_date.
    A field that is null or empty clears the value. With PATCH, a field that is left out stays as it is.
    """

    personnel_number = text("Unique within the organisation; cannot be changed.")
    first_name = text()
    infix = text("For example: van, de, van der.")
    last_name = text()
    email = text()
    unit = text(
        "The unit's path, for example Directie/Ruimte en Water/Team Water. Missing units are added, as the import does."
    )
    position_code = text("A new code needs a position_title.")
    position_title = text("The title of the position; a different title renames the position.")
    manager = text("The manager's personnel number: in the system, or elsewhere in the same sync.")
    employment_type = text(f"One of: {EMPLOYMENT_TYPES} (also: permanent, temporary, hired, intern).")
    start_date = date_text("YYYY-MM-DD.")
    end_date = date_text("YYYY-MM-DD; not before the start date.")


class SyncSerializer(serializers.Serializer):
    rows = PersonWriteSerializer(
        many=True,
        allow_empty=False,
        help_text="The people, one object per person, each with the same fields (as the columns of a file).",
    )
    dry_run = serializers.BooleanField(required=False, default=False, help_text="Check and count, but save nothing.")


class SyncResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(read_only=True)
    rows = serializers.IntegerField(read_only=True)
    created = serializers.IntegerField(read_only=True)
    updated = serializers.IntegerField(read_only=True)
    unchanged = serializers.IntegerField(read_only=True)
    units_created = serializers.IntegerField(read_only=True)
    positions_created = serializers.IntegerField(read_only=True)
    positions_updated = serializers.IntegerField(read_only=True)


# --- units and positions ----------------------------------------------------------------------------------------------


class UnitSerializer(serializers.Serializer):
    path = serializers.CharField(read_only=True, help_text="Directie/Domein/Team: the unit and the units above it.")
    name = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices, read_only=True)
    parent = serializers.CharField(source="parent.path", read_only=True, allow_null=True)
    depth = serializers.IntegerField(read_only=True)


class UnitWriteSerializer(serializers.Serializer):
    path = text(
        "Directie/Domein/Team. Missing units above it are added. Giving an existing unit a new path moves or renames "
        "it, with the units below it."
    )
    kind = text(f"One of: {UNIT_KINDS}. Default: by depth (directie, domein, then team).")


class PositionSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    scale = serializers.CharField(read_only=True)
    unit = serializers.CharField(source="unit.path", read_only=True, allow_null=True)


class PositionWriteSerializer(serializers.Serializer):
    code = text("Unique within the organisation; cannot be changed.")
    title = text()
    scale = text("The salary scale, for example 10.")
    unit = text("The path of an existing unit, or null.")


# --- errors -----------------------------------------------------------------------------------------------------------


class ProblemSerializer(serializers.Serializer):
    index = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The row in the list that was sent (from 0); null otherwise."
    )
    field = serializers.CharField(read_only=True, help_text="The field; empty when not about one field.")
    message = serializers.CharField(read_only=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True, help_text="What went wrong and what to do.")
    code = serializers.CharField(read_only=True, help_text="For example token_expired, insufficient_scope, invalid.")
    errors = ProblemSerializer(many=True, read_only=True, required=False)
