import io
import os
import re
import stat
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from liaison.core.roles import Role
from liaison.tickets import events, services
from liaison.tickets.models import Attachment, TicketEvent
from liaison.tickets.tests.conftest import JPEG_BYTES, PDF_BYTES, PNG_BYTES, image_bytes

pytestmark = pytest.mark.django_db


def _stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def _docx(with_document=True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _attach(ticket, user, name, content):
    return services.ticket_attach(actor=user, ticket=ticket, upload=SimpleUploadedFile(name, content))


def test_a_pdf_is_stored_under_a_server_made_name_and_not_world_readable(make_ticket, users, private_media):
    ticket = make_ticket()
    attachment = _attach(ticket, users[Role.LIBRARY_STAFF], '../../etc/Prüfung "final".pdf', PDF_BYTES)
    assert attachment.original_name == 'Prüfung "final".pdf'
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    stored = _stored_files(private_media)
    assert len(stored) == 1
    assert stored[0].parent.name == str(ticket.reference)
    assert stored[0].suffix == ".pdf" and "final" not in stored[0].name
    assert stat.S_IMODE(os.stat(stored[0]).st_mode) & 0o007 == 0
    assert ticket.events.filter(kind=TicketEvent.Kind.ATTACHMENT_ADDED).count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, ".exe files are not accepted"),
        (
            "invoice.pdf",
            b"MZ\x90\x00" + b"\x00" * 100,
            "named .pdf but its contents are not a PDF (it looks like a Windows program)",
        ),
        ("photo.png", b"<html><script>alert(1)</script></html>", "not a PNG image"),
        ("notes.txt", b"<script>alert(1)</script>", "not a text file"),
        ("notes.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 50, "it looks like a Linux program"),
        ("drawing.svg", b"<svg><script>alert(1)</script></svg>", ".svg files are not accepted"),
        ("page.html", b"<p>hello</p>", ".html files are not accepted"),
        ("report.docx", _docx(with_document=False), "not a Word document"),
        ("README", b"plain text", "no extension"),
        ("empty.pdf", b"", "The file is empty."),
    ],
)
def test_a_disallowed_or_disguised_file_is_refused_and_leaves_nothing(
    make_ticket, users, private_media, name, content, message
):
    ticket = make_ticket()
    with pytest.raises(ValidationError) as refused:
        _attach(ticket, users[Role.LIBRARY_STAFF], name, content)
    assert list(refused.value.message_dict) == ["attachment"]
    assert message in refused.value.message_dict["attachment"][0]
    assert Attachment.objects.count() == 0
    assert _stored_files(private_media) == []
    assert not ticket.events.filter(kind=TicketEvent.Kind.ATTACHMENT_ADDED).exists()


def test_an_oversized_file_is_refused_with_its_size_and_the_limit(make_ticket, users, settings, private_media):
    settings.LIAISON_ATTACHMENT_MAX_MB = 1
    ticket = make_ticket()
    big = PDF_BYTES + b"0" * int(1.5 * 1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        _attach(ticket, users[Role.LIBRARY_STAFF], "scan.pdf", big)
    assert refused.value.message_dict["attachment"] == ["1.5 MB is over the 1 MB limit."]
    assert _stored_files(private_media) == []


def test_the_default_limit_is_ten_megabytes(make_ticket, users):
    ticket = make_ticket()
    with pytest.raises(ValidationError) as refused:
        _attach(ticket, users[Role.LIBRARY_STAFF], "scan.pdf", PDF_BYTES + b"0" * int(14.2 * 1024 * 1024))
    assert refused.value.message_dict["attachment"] == ["14.2 MB is over the 10 MB limit."]


def test_office_images_and_text_files_that_are_what_they_say_are_accepted(make_ticket, users):
    ticket = make_ticket()
    user = users[Role.LIBRARY_STAFF]
    accepted = [
        _attach(ticket, user, "thesis.docx", _docx()),
        _attach(ticket, user, "screen.png", PNG_BYTES),
        _attach(ticket, user, "photo.JPG", JPEG_BYTES),
        _attach(ticket, user, "error.txt", "Fehler: Drucker offline – Schacht 2\r\n".encode()),
        _attach(ticket, user, "export.csv", b"name,count\nprinter,3\n"),
    ]
    assert [a.content_type for a in accepted] == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
        "image/jpeg",
        "text/plain",
        "text/csv",
    ]


def test_if_the_database_write_fails_the_stored_file_is_removed(make_ticket, users, private_media, monkeypatch):
    ticket = make_ticket()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(events, "ticket_attachment_added", broken)
    with pytest.raises(RuntimeError):
        _attach(ticket, users[Role.LIBRARY_STAFF], "notes.pdf", PDF_BYTES)
    assert Attachment.objects.count() == 0
    assert _stored_files(private_media) == []


def test_the_upload_form_shows_the_reason_on_the_page(client_as, make_ticket):
    ticket = make_ticket()
    response = client_as(Role.LIBRARY_STAFF).post(
        f"/tickets/{ticket.reference}/attachments/",
        {"file": SimpleUploadedFile("virus.exe", b"MZ" + b"\x00" * 10), "idempotency_key": "k" * 20},
    )
    assert response.status_code == 400
    assert ".exe files are not accepted" in response.content.decode()
    shown = re.findall(r'<p class="message message--(\w+)">([^<]*)</p>', response.content.decode())
    assert shown == [
        (
            "error",
            "The file was not attached: .exe files are not accepted. Accepted types: CSV, DOCX, GIF, JPG, PDF, PNG, TXT, XLSX.",
        )
    ]
    assert Attachment.objects.count() == 0


def test_a_download_is_an_attachment_with_safe_headers(client_as, make_ticket, users):
    ticket = make_ticket()
    attachment = _attach(ticket, users[Role.LIBRARY_STAFF], 'rapport "été".pdf', PDF_BYTES)
    response = client_as(Role.LIBRARY_STAFF).get(f"/tickets/{ticket.reference}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''rapport%20%22%C3%A9t%C3%A9%22.pdf" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/pdf"


def test_a_download_needs_access_to_the_ticket(client, make_ticket, users, people):
    ticket = make_ticket(queue="research")  # the library's queue; IT neither follows nor works it
    attachment = _attach(ticket, users[Role.LIBRARY_STAFF], "notes.pdf", PDF_BYTES)
    url = f"/tickets/{ticket.reference}/attachments/{attachment.pk}/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "sign-in" in anonymous["Location"]
    client.force_login(people["it2"])
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/tickets/{ticket.pk}/attachments/{attachment.pk}").status_code == 404


def test_an_attachment_is_reached_only_through_its_own_ticket(client_as, make_ticket, users):
    mine = make_ticket(queue="research")
    other = make_ticket(queue="research", subject="Another one")
    attachment = _attach(other, users[Role.LIBRARY_STAFF], "notes.pdf", PDF_BYTES)
    response = client_as(Role.LIBRARY_STAFF).get(f"/tickets/{mine.reference}/attachments/{attachment.pk}/")
    assert response.status_code == 404


def test_the_api_takes_a_multipart_upload_and_names_the_field_on_refusal(client_as, make_ticket):
    ticket = make_ticket()
    client = client_as(Role.LIBRARY_STAFF)
    ok = client.post(f"/api/v1/tickets/{ticket.pk}/attachments", {"file": SimpleUploadedFile("notes.pdf", PDF_BYTES)})
    assert ok.status_code == 201, ok.content
    assert ok.json()["name"] == "notes.pdf"
    refused = client.post(
        f"/api/v1/tickets/{ticket.pk}/attachments", {"file": SimpleUploadedFile("invoice.pdf", b"MZ" + b"\x00" * 40)}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "attachment"
    assert Attachment.objects.count() == 1


def test_an_upload_sent_twice_is_kept_once_on_the_page_and_in_the_api(client_as, make_ticket, private_media):
    ticket = make_ticket()
    client = client_as(Role.LIBRARY_STAFF)
    page = client.get(f"/tickets/{ticket.reference}/")
    key = re.search(rb'name="idempotency_key" value="([^"]+)"', page.content.split(b"attachments/")[-1]).group(1)
    for _ in range(2):  # a double click on Upload
        sent = client.post(
            f"/tickets/{ticket.reference}/attachments/",
            {"file": SimpleUploadedFile("scan.pdf", PDF_BYTES), "idempotency_key": key.decode()},
        )
        assert sent.status_code == 302
    assert Attachment.objects.count() == 1
    assert len(_stored_files(private_media)) == 1
    other_file = client.post(
        f"/tickets/{ticket.reference}/attachments/",
        {"file": SimpleUploadedFile("other.pdf", PDF_BYTES + b"%"), "idempotency_key": key.decode()},
        follow=True,
    )
    assert "already used for a request with other content" in other_file.content.decode()
    assert Attachment.objects.count() == 1
    stale = client.post(f"/tickets/{ticket.reference}/attachments/", {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)})
    assert stale.status_code == 400 and "reload the page" in stale.content.decode()

    headers = {"HTTP_IDEMPOTENCY_KEY": "api-retry-0123456789"}
    url = f"/api/v1/tickets/{ticket.pk}/attachments"
    first = client.post(url, {"file": SimpleUploadedFile("log.txt", b"printer log")}, **headers)
    again = client.post(url, {"file": SimpleUploadedFile("log.txt", b"printer log")}, **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Attachment.objects.count() == 2
    changed = client.post(url, {"file": SimpleUploadedFile("log.txt", b"another log")}, **headers)
    assert changed.status_code == 422
    assert Attachment.objects.count() == 2


# --- Images are decoded and written again (security reference F1).


def _stored_image(private_media):
    from PIL import Image

    (path,) = _stored_files(private_media)
    return path, Image.open(path)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge canvas: what a decompression bomb looks like."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_phone_photo_is_stored_without_its_gps_position(make_ticket, users, private_media):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0112] = 6  # orientation: rotated 90°
    exif.get_ifd(0x8825)[2] = (42.0, 21.0, 30.0)  # GPS latitude
    photo = image_bytes("JPEG", size=(40, 20), exif=exif.tobytes())
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825), "the test photo must carry GPS"

    attachment = _attach(make_ticket(), users[Role.LIBRARY_STAFF], "IMG_0001.jpg", photo)
    path, stored = _stored_image(private_media)
    assert dict(stored.getexif()) == {}
    assert stored.size == (20, 40), "turned the right way up before the orientation tag was dropped"
    assert attachment.size == path.stat().st_size
    assert re.fullmatch(r"[0-9a-f-]{36}\.jpg", path.name)


def test_a_png_html_polyglot_is_stored_without_its_html(make_ticket, users, private_media):
    polyglot = PNG_BYTES + b"<html><script>alert(document.cookie)</script></html>"
    _attach(make_ticket(), users[Role.LIBRARY_STAFF], "chart.png", polyglot)
    path, stored = _stored_image(private_media)
    assert stored.format == "PNG"
    assert b"<script" not in path.read_bytes()


def test_png_text_chunks_and_gif_comments_are_dropped(make_ticket, users, private_media):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jordan Patron, jordan@college.example")
    ticket = make_ticket()
    _attach(ticket, users[Role.LIBRARY_STAFF], "screen.png", image_bytes("PNG", pnginfo=info))
    _attach(ticket, users[Role.LIBRARY_STAFF], "anim.gif", image_bytes("GIF", comment=b"jordan@college.example"))
    for path in _stored_files(private_media):
        assert b"jordan@college.example" not in path.read_bytes(), path.suffix


def test_a_decompression_bomb_is_refused_before_it_is_decoded(make_ticket, users, private_media):
    ticket = make_ticket()
    with pytest.raises(ValidationError) as refused:
        _attach(ticket, users[Role.LIBRARY_STAFF], "bomb.png", _png_header_only(20_000, 20_000))
    assert refused.value.message_dict["attachment"] == [
        "The image has far too many pixels; the limit is 40 million pixels."
    ]
    assert _stored_files(private_media) == [] and Attachment.objects.count() == 0


def test_an_image_over_the_pixel_limit_is_refused_with_its_size(make_ticket, users, settings, private_media):
    settings.LIAISON_IMAGE_MAX_MEGAPIXELS = 8  # a 3000×3000 header is within Pillow's own guard
    with pytest.raises(ValidationError) as refused:
        _attach(make_ticket(), users[Role.LIBRARY_STAFF], "scan.png", _png_header_only(3_000, 3_000))
    assert refused.value.message_dict["attachment"] == [
        "The image is 3,000×3,000 pixels; the limit is 8 million pixels."
    ]
    assert _stored_files(private_media) == []


def test_an_image_that_cannot_be_decoded_is_refused(make_ticket, users, private_media):
    broken = PNG_BYTES[:40] + b"\x00" * 40  # the right signature, then garbage
    with pytest.raises(ValidationError) as refused:
        _attach(make_ticket(), users[Role.LIBRARY_STAFF], "screen.png", broken)
    assert refused.value.message_dict["attachment"] == [
        "The file is named .png but it could not be read as a PNG image."
    ]
    assert _stored_files(private_media) == []


def test_a_jpeg_named_png_is_refused(make_ticket, users, private_media):
    with pytest.raises(ValidationError) as refused:
        _attach(make_ticket(), users[Role.LIBRARY_STAFF], "screen.png", JPEG_BYTES)
    assert "not a PNG image (it looks like a JPEG image)" in refused.value.message_dict["attachment"][0]
