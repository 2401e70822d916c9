"""Small real files of every accepted kind, built in memory, for the upload tests."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def png_bytes(text: str = "", size=(8, 6)) -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Author", text)
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_bytes(artist: str = "", comment: bytes = b"") -> bytes:
    from PIL import Image

    exif = Image.Exif()
    if artist:
        exif[0x013B] = artist  # Artist
        exif[0x010F] = "CameraMaker"  # Make
    buffer = io.BytesIO()
    options = {"exif": exif.tobytes()} if artist else {}
    if comment:
        options["comment"] = comment
    Image.new("RGB", (12, 8), (30, 200, 30)).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def gif_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("P", (5, 5)).save(buffer, "GIF")
    return buffer.getvalue()


def pdf_bytes(author: str = "", text: str = "") -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    if text:
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 10 100 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    if author:
        writer.add_metadata({"/Author": author, "/Creator": "Word voor demo"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _zip(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if (stored_first and i == 0) else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def docx_bytes(text: str = "Hallo") -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", f"<w:document><w:t>{text}</w:t></w:document>".encode()),
        ]
    )


def xlsx_bytes() -> bytes:
    return _zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])


def odt_bytes(text: str = "Hallo") -> bytes:
    return _zip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", f"<office:text>{text}</office:text>".encode()),
        ],
        stored_first=True,
    )


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
