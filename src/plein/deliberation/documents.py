"""The session record as a PDF for the participants, via WeasyPrint.

The HTML is rendered from a template and converted without any network access: WeasyPrint gets no base URL and a
URL fetcher that refuses everything, so the document can never make a request.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from plein.deliberation import selectors
from plein.deliberation.models import Session


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"external resources are not loaded in documents: {url}")


def session_record_pdf(session: Session) -> bytes:
    from weasyprint import HTML

    record = selectors.session_record(session, with_participants=True)
    html = render_to_string(
        "deliberation/pdf/session_record.html",
        {
            "session": session,
            "record": record,
            "steps": selectors.steps(session),
            "organisation": session.organisation,
            "generated_at": timezone.localtime(),
        },
    )
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
