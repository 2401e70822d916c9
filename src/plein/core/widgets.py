"""Form widgets for long choice lists.

``FastSelect`` is Django's ``Select`` (same markup, attributes, label and validation through the form field), but it
renders its options in Python instead of through a template per option. A unit filter of 582 units cost about
300 ms per page through Django's widget templates, and under 2 ms like this (issue 12, docs/performance.md).
Groups (optgroups) fall back to Django's rendering.
"""

from __future__ import annotations

import html

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def _escape(value) -> str:
    """``conditional_escape`` for safe strings, the standard library's (faster) escaping for plain ones."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return html.escape(value, quote=True)
    return conditional_escape(value)


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        parts = [format_html("<select{}>", flatatt(final_attrs))]
        chosen = False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            is_selected = not chosen and text in selected
            chosen = chosen or (is_selected and not self.allow_multiple_selected)
            parts.append(
                f'<option value="{_escape(text)}"{" selected" if is_selected else ""}>{_escape(label)}</option>'
            )
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every value and label is escaped above


class _UnitChoiceIterator(ModelChoiceIterator):
    """The units as (pk, path) straight from the database: no model instance per option."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "path")


class UnitChoiceField(forms.ModelChoiceField):
    """A unit of the organisation (the form narrows ``queryset``), chosen from a ``FastSelect`` of unit paths.

    Validation and ``cleaned_data`` are those of ``ModelChoiceField`` (an ``OrgUnit`` of the queryset)."""

    iterator = _UnitChoiceIterator
    widget = FastSelect
