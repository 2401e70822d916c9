"""The files: the PDF's text holds the figures (read back with pypdf), the DOCX is an editable document, the HTML is
self-contained, and ``./plein annual_report`` writes each of them."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from plein.annual_report import rendering, selectors
from plein.annual_report.tests.builders import travel
from plein.annual_report.tests.test_golden import TODAY, YEAR, build

pytestmark = pytest.mark.django_db

TEXTS = {
    "sections": {"ambtseed": "In 2024 waren er twee bijeenkomsten.\n\n> Integer handelen doe je samen."},
    "figures": {"oath.sworn": "Vier collega's legden de eed of belofte af."},
}


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def golden_data(organisation):
    build(organisation)
    with travel(TODAY), translation.override("en"):
        return {
            "raw": selectors.build_report(organisation, YEAR, today=TODAY),
            "published": selectors.build_report(organisation, YEAR, published=True, today=TODAY),
        }


def test_the_pdf_holds_the_figures_and_the_texts(golden_data):
    content = rendering.render("pdf", golden_data["raw"], TEXTS, language="en")
    assert content.startswith(b"%PDF")
    text, reader = pdf_text(content)
    text = flat(text)
    assert reader.metadata.title == "Annual integrity report 2024 · Provincie Testland"
    assert "Annual integrity report 2024" in text and "Provincie Testland" in text
    for expected in (
        "Ceremonies held 2",
        "Oaths and affirmations taken 4",
        "of which oath 2",
        "of which affirmation 2",
        "Taken within the term (of those due this year) 60%",
        "Overdue at the end of the year 1",
        "Reports received 3",
        "Reports per 100 employees 33.33",
        "Outside activities declared 3",
        "Vulnerable positions 2",
        "Facilitators 2",
        "Employees in service at the end of the year 9",
        "De Integriteit Show",
        "In 2024 waren er twee bijeenkomsten.",
        "Integer handelen doe je samen.",
        "Vier collega's legden de eed of belofte af.",
        "NAVEX 2024",
        "1.57",
        "0.67",
    ):
        assert expected in text, expected
    assert all(f"{n}. " in text for n in range(1, 11))  # every section
    assert len(reader.pages) >= 10


def test_the_published_pdf_hides_small_counts(golden_data):
    text, _reader = pdf_text(rendering.render("pdf", golden_data["published"], TEXTS, language="en"))
    text = flat(text)
    assert "of which affirmation fewer than 5" in text
    assert "Oaths and affirmations taken 4" in text
    assert "Published version" in text


def test_the_docx_is_an_editable_document_with_the_same_content(golden_data):
    from docx import Document

    document = Document(io.BytesIO(rendering.render("docx", golden_data["raw"], TEXTS, language="en")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "1. Introduction" in headings and "10. Looking ahead" in headings
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Oaths and affirmations taken: 4" in body
    assert "In 2024 waren er twee bijeenkomsten." in body
    assert any(p.style.name == "Quote" and "Integer handelen" in p.text for p in document.paragraphs)
    tables = ["\n".join(c.text for row in t.rows for c in row.cells) for t in document.tables]
    assert any("De Integriteit Show" in t for t in tables)
    assert any("Attention to integrity" in t for t in tables)  # the scorecard
    assert document.core_properties.title == "Annual integrity report 2024"


def test_the_html_file_is_self_contained(golden_data):
    html = rendering.render("html", golden_data["raw"], TEXTS, language="en").decode()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert "<script" not in html and 'src="http' not in html and 'href="http' not in html
    assert html.count('role="img"') >= 4  # trend charts, each with its table
    assert "Oaths and affirmations taken" in html


def test_json_is_the_contract(golden_data):
    data = json.loads(rendering.render("json", golden_data["raw"], TEXTS))
    for key in (
        "organisation",
        "year",
        "employees",
        "oath",
        "reports",
        "consultations",
        "outside_activities",
        "positions",
        "deliberation",
        "learning",
        "basic_norms",
    ):
        assert key in data
    assert set(data["reports"]) >= {
        "received",
        "anonymous",
        "by_channel",
        "by_category",
        "acknowledged_within_term",
        "feedback_within_term",
        "closed",
        "substantiated",
        "per_100_employees",
    }
    assert set(data["basic_norms"][0]) >= {"number", "title", "status", "evidence"}


def test_the_command(organisation, tmp_path, capsys):
    build(organisation)
    with travel(TODAY):
        call_command("annual_report", "2024", "--format", "json")
        data = json.loads(capsys.readouterr().out)
        assert data["oath"]["sworn"] == 4 and data["published"] is False
        target = tmp_path / "verslag.json"
        call_command("annual_report", "2024", "--published", "--output", str(target), verbosity=0)
        published = json.loads(target.read_text())
        assert published["published"] is True and published["oath"]["affirmation"] is None
        docx = tmp_path / "verslag.docx"
        call_command("annual_report", "2024", "--format", "docx", "-o", str(docx), verbosity=0)
        assert docx.read_bytes().startswith(b"PK")
        with pytest.raises(CommandError, match="2026"):
            call_command("annual_report", "2026")
        with pytest.raises(CommandError):
            call_command("annual_report", "2024", "--organisation", "bestaat-niet")
