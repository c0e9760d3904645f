"""Checking an uploaded attachment before anything is stored.

A file is accepted only when its extension is on the allowlist AND its first bytes are what
that extension promises (a `.exe` renamed `.pdf` starts with "MZ", not "%PDF-"). SVG and HTML
are never accepted: both can carry script. Errors name the field: "attachment: …".

Images are decoded and written again with Pillow before they are stored. That drops EXIF
(a phone photo's GPS position), comments and anything appended after the picture (the HTML
half of a PNG/HTML polyglot). The pixel count is checked from the header before decoding, so
a "decompression bomb" is refused without being expanded in memory.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

from liaison.core.errors import reject

FIELD = "attachment"
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str


ALLOWED: dict[str, Kind] = {
    ".pdf": Kind("PDF", "application/pdf"),
    ".png": Kind("PNG image", "image/png"),
    ".jpg": Kind("JPEG image", "image/jpeg"),
    ".jpeg": Kind("JPEG image", "image/jpeg"),
    ".gif": Kind("GIF image", "image/gif"),
    ".txt": Kind("text file", "text/plain"),
    ".log": Kind("text file", "text/plain"),
    ".csv": Kind("CSV file", "text/csv"),
    ".docx": Kind("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": Kind("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}

# Recognised so the message can say what a disguised file really is.
KNOWN_SIGNATURES: list[tuple[bytes, str]] = [
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"#!", "a script"),
    (b"%PDF-", "a PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old-style Office file"),
]


IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF"}


def max_pixels() -> int:
    return int(float(getattr(settings, "LIAISON_IMAGE_MAX_MEGAPIXELS", 40)) * 1_000_000)


def _pixel_limit() -> str:
    return f"the limit is {max_pixels() / 1_000_000:g} million pixels"


def max_bytes() -> int:
    return int(float(getattr(settings, "LIAISON_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024)


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.1f}".rstrip("0").rstrip(".")


def clean_filename(name: str) -> str:
    """The name to show and to offer on download: no path, no control characters."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return name[-150:] or "attachment"


def _what_it_looks_like(head: bytes) -> str | None:
    for signature, label in KNOWN_SIGNATURES:
        if head.startswith(signature):
            return label
    if head.lstrip()[:1] == b"<":
        return "HTML or XML"
    return None


def _zip_has(data: io.BytesIO, member: str) -> bool:
    try:
        with zipfile.ZipFile(data) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head or _what_it_looks_like(head) not in (None, "HTML or XML"):
        return False
    if head.lstrip()[:1] == b"<":
        return False  # markup is not accepted as .txt/.csv either
    control = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return control <= len(head) // 100


def _content_matches(extension: str, head: bytes, upload) -> bool:
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == ".gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if extension in (".docx", ".xlsx"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        upload.seek(0)
        data = io.BytesIO(upload.read())
        return _zip_has(data, "word/document.xml" if extension == ".docx" else "xl/workbook.xml")
    if extension in (".txt", ".log", ".csv"):
        return _looks_like_text(head)
    return False


def rewrite_image(extension: str, upload) -> bytes:
    """The image decoded and encoded again, with no metadata; refuses what cannot be decoded."""
    label = ALLOWED[extension].label
    upload.seek(0)
    try:
        with Image.open(upload, formats=[IMAGE_FORMATS[extension]]) as image:  # reads the header only
            width, height = image.size
            if width * height > max_pixels():
                raise reject(
                    FIELD,
                    f"The image is {width:,}×{height:,} pixels; {_pixel_limit()}.",
                    code="tickets.image_too_large",
                )
            image.load()
            output = io.BytesIO()
            if extension == ".gif":
                image.info.pop("comment", None)
                image.save(output, "GIF", save_all=getattr(image, "is_animated", False))
            elif extension == ".png":
                image.save(output, "PNG")  # no text chunks and no eXIf unless asked for
            else:
                upright = ImageOps.exif_transpose(image)  # keep the photo the right way up without its EXIF
                if upright.mode not in ("RGB", "L", "CMYK"):
                    upright = upright.convert("RGB")
                upright.save(output, "JPEG", quality=90, icc_profile=image.info.get("icc_profile"))
    except ValidationError:
        raise
    except Image.DecompressionBombError:  # Pillow's own guard fired while reading the header
        raise reject(
            FIELD, f"The image has far too many pixels; {_pixel_limit()}.", code="tickets.image_too_large"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise reject(
            FIELD,
            f"The file is named {extension} but it could not be read as a {label}.",
            code="tickets.image_unreadable",
        ) from None
    return output.getvalue()


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str
    rewritten: bytes | None = None  # what to store instead of the upload (images)


def inspect_upload(upload) -> CheckedUpload:
    """Validate an UploadedFile; raise ValidationError({"attachment": reason}) if it is refused."""
    if upload is None:
        raise reject(FIELD, "Choose a file to attach.", code="tickets.attachment_required")
    name = clean_filename(getattr(upload, "name", ""))
    extension = PurePosixPath(name).suffix.lower()
    if not extension:
        raise reject(
            FIELD, "The file has no extension, so its type cannot be checked.", code="tickets.attachment_type_refused"
        )
    if extension not in ALLOWED:
        accepted = ", ".join(sorted({ext.lstrip(".").upper() for ext in ALLOWED if ext not in (".jpeg", ".log")}))
        raise reject(
            FIELD,
            f"{extension} files are not accepted. Accepted types: {accepted}.",
            code="tickets.attachment_type_refused",
        )
    size = int(getattr(upload, "size", 0) or 0)
    limit = max_bytes()
    if size > limit:
        raise reject(
            FIELD,
            f"{_megabytes(size)} MB is over the {_megabytes(limit)} MB limit.",
            code="tickets.attachment_too_large",
        )
    if size == 0:
        raise reject(FIELD, "The file is empty.", code="tickets.attachment_empty")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    kind = ALLOWED[extension]
    if not _content_matches(extension, head, upload):
        actual = _what_it_looks_like(head)
        detail = f" (it looks like {actual})" if actual and actual != f"a {kind.label}" else ""
        raise reject(
            FIELD,
            f"The file is named {extension} but its contents are not a {kind.label}{detail}.",
            code="tickets.attachment_content_mismatch",
        )
    if extension in IMAGE_FORMATS:
        rewritten = rewrite_image(extension, upload)
        return CheckedUpload(
            name=name,
            extension=extension,
            content_type=kind.content_type,
            size=len(rewritten),
            sha256=hashlib.sha256(rewritten).hexdigest(),
            rewritten=rewritten,
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        name=name, extension=extension, content_type=kind.content_type, size=size, sha256=digest.hexdigest()
    )
