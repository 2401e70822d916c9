"""PDF documents: the official record (proces-verbaal) of a ceremony and a personal confirmation, via WeasyPrint.

The HTML is rendered from templates and converted without any network access: WeasyPrint gets no base URL and a
URL fetcher that refuses everything, so a document can never make a request.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from plein.oaths.models import Ceremony, CeremonyDilemma, Form, Registration


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"external resources are not loaded in documents: {url}")


def render_pdf(template: str, context: dict, *, language: str | None = None) -> bytes:
    """``language``: the official record is always in the organisation's language; ``None`` keeps the current one."""
    from weasyprint import HTML

    with translation.override(language or translation.get_language()):
        html = render_to_string(template, {**context, "generated_at": timezone.localtime()})
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def ceremony_record_pdf(
    ceremony: Ceremony, registrations: list[Registration], dilemmas: list[CeremonyDilemma]
) -> bytes:
    return render_pdf(
        "oaths/pdf/ceremony_record.html",
        {
            "ceremony": ceremony,
            "organisation": ceremony.organisation,
            "registrations": registrations,
            "dilemmas": dilemmas,
            "oath_count": sum(1 for r in registrations if r.form == Form.OATH),
            "affirmation_count": sum(1 for r in registrations if r.form == Form.AFFIRMATION),
        },
        language=settings.LANGUAGE_CODE,
    )


def confirmation_pdf(registration: Registration) -> bytes:
    return render_pdf(
        "oaths/pdf/confirmation.html", {"registration": registration, "organisation": registration.organisation}
    )
