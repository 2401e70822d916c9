import pytest
from django.core.exceptions import ValidationError

from plein.reports import files
from plein.reports.tests import samples

MAX = 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.pdf", samples.pdf_bytes(), "pdf"),
        ("a.png", samples.png_bytes(), "png"),
        ("a.jpg", samples.jpeg_bytes(), "jpeg"),
        ("a.JPEG", samples.jpeg_bytes(), "jpeg"),
        ("a.gif", samples.gif_bytes(), "gif"),
        ("a.docx", samples.docx_bytes(), "docx"),
        ("a.xlsx", samples.xlsx_bytes(), "xlsx"),
        ("a.odt", samples.odt_bytes(), "odt"),
        ("a.txt", "Gewone tekst met één accent.\r\n\tTab.".encode(), "txt"),
    ],
)
def test_accepted_kinds_are_recognised_on_content(name, data, kind):
    prepared = files.prepare_upload(samples.upload(name, data), strip=False, max_bytes=MAX)
    assert prepared.kind.code == kind
    assert prepared.stream.read() == data


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("rapport.pdf", samples.png_bytes(), "file_extension"),  # a PNG that claims to be a PDF
        ("foto.jpg", samples.pdf_bytes(), "file_extension"),
        ("notities.txt", samples.docx_bytes(), "file_extension"),
        ("zonder-extensie", samples.pdf_bytes(), "file_extension"),
        ("programma.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "file_type"),  # a Windows program
        ("archief.docx", samples._zip([("iets.bin", b"x")]), "file_type"),  # a zip without Word parts
        ("script.txt", b"\x00\x01binary\x02", "file_type"),
        ("latin1.txt", "caf\xe9".encode("latin-1"), "file_type"),
        ("leeg.pdf", b"", "file_empty"),
    ],
)
def test_refused_files_get_a_clear_message(name, data, code):
    with pytest.raises(ValidationError) as info:
        files.prepare_upload(samples.upload(name, data), strip=False, max_bytes=MAX)
    assert info.value.code == code
    message = info.value.messages[0]
    assert name in message


def test_oversized_file_is_refused_before_reading():
    with pytest.raises(ValidationError) as info:
        files.prepare_upload(samples.upload("groot.pdf", samples.pdf_bytes()), strip=False, max_bytes=10)
    assert info.value.code == "file_too_large"
    assert "groot.pdf" in info.value.messages[0]


def test_strip_removes_exif_and_comment_from_jpeg():
    data = samples.jpeg_bytes(artist="Canary Fotograaf", comment=b"COMMENTCANARY")
    assert b"Canary Fotograaf" in data and b"COMMENTCANARY" in data
    prepared = files.prepare_upload(samples.upload("foto.jpg", data), strip=True, max_bytes=MAX)
    cleaned = prepared.stream.read()
    assert prepared.stripped
    assert b"Canary Fotograaf" not in cleaned and b"CameraMaker" not in cleaned and b"COMMENTCANARY" not in cleaned
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(cleaned)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


def test_strip_removes_png_text_chunks():
    data = samples.png_bytes(text="PNG Canary Auteur")
    prepared = files.prepare_upload(samples.upload("scherm.png", data), strip=True, max_bytes=MAX)
    assert b"PNG Canary Auteur" not in prepared.stream.read()


def test_strip_removes_pdf_metadata_but_keeps_pages():
    data = samples.pdf_bytes(author="PDF Canary Auteur")
    assert b"PDF Canary Auteur" in data
    prepared = files.prepare_upload(samples.upload("brief.pdf", data), strip=True, max_bytes=MAX)
    cleaned = prepared.stream.read()
    assert b"PDF Canary Auteur" not in cleaned and b"Word voor demo" not in cleaned
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(cleaned))
    assert len(reader.pages) == 1
    assert not reader.metadata


def test_without_strip_the_file_is_kept_as_is():
    data = samples.jpeg_bytes(artist="Blijft staan")
    prepared = files.prepare_upload(samples.upload("foto.jpg", data), strip=False, max_bytes=MAX)
    assert prepared.stream.read() == data and not prepared.stripped


def test_strip_is_not_applied_to_office_files():
    data = samples.docx_bytes()
    prepared = files.prepare_upload(samples.upload("brief.docx", data), strip=True, max_bytes=MAX)
    assert prepared.stream.read() == data and not prepared.stripped


def test_a_damaged_image_cannot_be_stripped_and_says_so():
    data = samples.png_bytes()[:40]
    with pytest.raises(ValidationError) as info:
        files.prepare_upload(samples.upload("kapot.png", data), strip=True, max_bytes=MAX)
    assert info.value.code == "file_strip"
    assert "kapot.png" in info.value.messages[0]


def test_an_encrypted_pdf_cannot_be_stripped():
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(samples.pdf_bytes())))
    writer.encrypt("geheim")
    buffer = BytesIO()
    writer.write(buffer)
    with pytest.raises(ValidationError) as info:
        files.prepare_upload(samples.upload("slot.pdf", buffer.getvalue()), strip=True, max_bytes=MAX)
    assert info.value.code == "file_strip"


def test_path_in_the_file_name_is_dropped():
    prepared = files.prepare_upload(
        samples.upload("C:\\Users\\jan\\Documents\\brief.pdf", samples.pdf_bytes()), strip=False, max_bytes=MAX
    )
    assert prepared.name == "brief.pdf"
