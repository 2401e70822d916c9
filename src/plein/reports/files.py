"""Attachments: what is accepted, checked on the content (magic bytes), and optional removal of hidden metadata.

A file is accepted when its content is one of the allowed kinds *and* its name ends in an extension of that kind, so a
renamed file ("photo.pdf" that is really a program) is refused with a clear message. Images and PDFs can be rewritten
without their metadata (camera, GPS position, author, software), which can identify the reporter.
"""

from __future__ import annotations

import codecs
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

SNIFF_BYTES = 8192
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]
    strippable: bool = False


KINDS: dict[str, FileKind] = {
    kind.code: kind
    for kind in [
        FileKind("pdf", "PDF", "application/pdf", (".pdf",), strippable=True),
        FileKind("png", "PNG", "image/png", (".png",), strippable=True),
        FileKind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"), strippable=True),
        FileKind("gif", "GIF", "image/gif", (".gif",), strippable=True),
        FileKind(
            "docx", "Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
        ),
        FileKind(
            "xlsx", "Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
        ),
        FileKind("odt", "OpenDocument (ODT)", "application/vnd.oasis.opendocument.text", (".odt",)),
        FileKind("txt", _("Text"), "text/plain; charset=utf-8", (".txt",)),
    ]
}


def accepted_kinds_text() -> str:
    return ", ".join(str(k.label) for k in KINDS.values())


def accept_attribute() -> str:
    """For the ``accept`` attribute of the file input (a hint only; the server checks the content)."""
    return ",".join(ext for k in KINDS.values() for ext in k.extensions)


@dataclass
class PreparedFile:
    """A checked upload, ready to be encrypted: its name, kind and a readable stream of the bytes to store."""

    name: str
    kind: FileKind
    size: int
    stream: BinaryIO
    stripped: bool = False

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def _zip_kind(source: BinaryIO) -> str | None:
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            infos = archive.infolist()
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return "xlsx"
            if (
                infos
                and infos[0].filename == "mimetype"
                and infos[0].file_size < 100
                and archive.read(infos[0]).strip() == b"application/vnd.oasis.opendocument.text"
            ):
                return "odt"
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return None
    return None


def _is_text(source: BinaryIO) -> bool:
    """UTF-8 (or plain ASCII) text without control characters other than tab, newline, carriage return, form feed."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    while True:
        block = source.read(64 * 1024)
        if not block:
            break
        if _CONTROL_BYTES.search(block):
            return False
        try:
            decoder.decode(block)
        except UnicodeDecodeError:
            return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_kind(source: BinaryIO) -> FileKind | None:
    """The kind of file from its content, or ``None`` when it is not one we accept."""
    source.seek(0)
    head = source.read(SNIFF_BYTES)
    source.seek(0)
    code = None
    if head.startswith(b"%PDF-"):
        code = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        code = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        code = "jpeg"
    elif head.startswith((b"GIF87a", b"GIF89a")):
        code = "gif"
    elif head.startswith(b"PK\x03\x04"):
        code = _zip_kind(source)
    elif head and _is_text(source):
        code = "txt"
    source.seek(0)
    return KINDS.get(code) if code else None


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _strip_image(source: BinaryIO, kind: FileKind) -> io.BytesIO:
    from PIL import Image, ImageOps

    fmt = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF"}[kind.code]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(source) as image:
            if image.format != fmt:
                raise ValueError("format mismatch")
            upright = ImageOps.exif_transpose(image)
            clean = upright.copy()
    clean.info = {}
    out = io.BytesIO()
    options = {"quality": 95} if fmt == "JPEG" else {}
    clean.save(out, fmt, **options)
    out.seek(0)
    return out


def _strip_pdf(source: BinaryIO) -> io.BytesIO:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(source)
    if reader.is_encrypted:
        raise ValueError("encrypted PDF")
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    for page in writer.pages:
        for key in ("/Metadata", "/PieceInfo"):
            if key in page:
                del page[key]
    writer.metadata = None
    out = io.BytesIO()
    writer.write(out)
    out.seek(0)
    return out


def strip_metadata(source: BinaryIO, kind: FileKind) -> io.BytesIO:
    """A copy of an image or PDF without its hidden metadata. Raises ``ValueError`` when the file cannot be read."""
    source.seek(0)
    try:
        if kind.code == "pdf":
            return _strip_pdf(source)
        return _strip_image(source, kind)
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means: we could not clean this file
        raise ValueError("could not rewrite the file") from exc


def prepare_upload(uploaded, *, strip: bool, max_bytes: int) -> PreparedFile:
    """Check one uploaded file and, when asked, remove its metadata. Raises ``ValidationError`` with a clear message."""
    name = (getattr(uploaded, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200] or "bestand"
    size = uploaded.size
    if size > max_bytes:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s. Files may be at most %(max)s each. Make it smaller or leave it out."),
            code="file_too_large",
            params={"name": name, "size": filesizeformat(size), "max": filesizeformat(max_bytes)},
        )
    if size == 0:
        raise ValidationError(_("The file “%(name)s” is empty."), code="file_empty", params={"name": name})
    kind = detect_kind(uploaded)
    if kind is None:
        raise ValidationError(
            _("The file “%(name)s” is not a type we accept. You can add: %(kinds)s."),
            code="file_type",
            params={"name": name, "kinds": accepted_kinds_text()},
        )
    if _extension(name) not in kind.extensions:
        raise ValidationError(
            _(
                "The file “%(name)s” is really a %(kind)s file, but its name does not end in %(ext)s. "
                "Check that you chose the right file, or give it the right extension."
            ),
            code="file_extension",
            params={"name": name, "kind": kind.label, "ext": " / ".join(kind.extensions)},
        )
    uploaded.seek(0)
    if strip and kind.strippable:
        try:
            cleaned = strip_metadata(uploaded, kind)
        except ValueError as exc:
            raise ValidationError(
                _(
                    "We could not remove the hidden information from “%(name)s” (the file may be damaged or "
                    "password-protected). Remove it yourself, or send the file without removing it."
                ),
                code="file_strip",
                params={"name": name},
            ) from exc
        return PreparedFile(name=name, kind=kind, size=cleaned.getbuffer().nbytes, stream=cleaned, stripped=True)
    return PreparedFile(name=name, kind=kind, size=size, stream=uploaded)
