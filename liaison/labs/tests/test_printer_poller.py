"""Printers that report themselves (issue 11, item 6), against a real IPP printer: CUPS's
`ippeveprinter` (Debian's cups-ipp-utils), started on a free port for the test and stopped
after it. Its own web form empties or fills a paper tray, the way a person at the printer
would; the poller must see it with nobody typing. Beside it: a printer that answers garbage,
one that hangs half-way through its answer, and one that is switched off."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command

from liaison.labs import selectors, services
from liaison.labs.models import Incident, PrinterSignal
from liaison.labs.printers import Answer, PollOptions, PollTarget, ask_printers, printer_uri

FAST = PollOptions(timeout=2.0, concurrency=4)


class BadPrinter:
    """A TCP server that misbehaves: `garbage` answers HTTP 200 with bytes that are not IPP;
    `hang` sends the headers and then nothing, forever; `silent` accepts and never answers."""

    def __init__(self, mode: str):
        self.mode = mode
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self.open: list[socket.socket] = []
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.server.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.open.append(conn)
            try:
                conn.settimeout(1)
                conn.recv(65536)
                if self.mode == "garbage":
                    body = b"\x00\x01\xffthis is not IPP at all" * 3
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\n\r\n" + body)  # fmt: skip
                    conn.close()
                elif self.mode == "hang":
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nContent-Length: 5000\r\n\r\n\x02"
                    )
            except OSError:
                pass

    def stop(self) -> None:
        self.stopped.set()
        for conn in self.open:
            conn.close()
        self.server.close()


@pytest.fixture
def bad_printers():
    made = {mode: BadPrinter(mode) for mode in ("garbage", "hang", "silent")}
    yield made
    for server in made.values():
        server.stop()


def board_state(tag: str) -> str:
    from django.utils import timezone

    board = selectors.status_board(now=timezone.now())  # built afresh (the cache is forgotten after commit)
    for lab in board["labs"]:
        for device in lab["printers"]:
            if device["tag"] == tag:
                return device["state"]
    raise AssertionError(f"{tag} is not on the board")


# --- The IPP client alone ---------------------------------------------------------------------


def test_an_address_becomes_the_printers_ipp_uri():
    assert printer_uri("prn-lc1.lib.example.edu") == "ipp://prn-lc1.lib.example.edu:631/ipp/print"
    assert printer_uri("10.0.0.5:8631") == "ipp://10.0.0.5:8631/ipp/print"
    assert printer_uri("https://printer.example/ipp/port1") == "ipps://printer.example:631/ipp/port1"
    assert printer_uri("ipp://[fd00::9]:631/") == "ipp://[fd00::9]:631/ipp/print"


def test_a_reason_counts_by_its_meaning_whatever_its_severity_suffix():
    jam = Answer(1, True, state="idle", reasons=("media-jam",))
    assert jam.faults == ["media-jam"] and jam.problem_for("printer") == "paper_jam"
    assert jam.problem_for("label_printer") == "labels_jam"
    low = Answer(1, True, state="idle", reasons=("toner-low", "marker-supply-low"))
    assert low.faults == [] and low.warnings == ["toner-low", "marker-supply-low"]
    stopped = Answer(1, True, state="stopped", reasons=())
    assert stopped.faults == ["stopped"] and stopped.problem_for("printer") == "other"


def test_the_simulated_printer_answers_its_state_and_reasons(ipp_printer):
    [healthy] = ask_printers([PollTarget(1, ipp_printer.address)], FAST)
    assert healthy.answered and healthy.state in ("idle", "processing") and healthy.faults == []
    ipp_printer.trays(main=0, bypass=25)
    [empty] = ask_printers([PollTarget(1, ipp_printer.address)], FAST)
    assert empty.answered and "media-empty" in empty.reasons  # sent as "media-empty-report"
    assert empty.problem_for("printer") == "out_of_paper"


def test_garbage_a_hang_and_silence_are_no_signal_within_the_timeout_and_hold_up_nobody(ipp_printer, bad_printers):
    targets = [PollTarget(i, f"127.0.0.1:{server.port}") for i, server in enumerate(bad_printers.values(), 1)]
    targets.append(PollTarget(9, ipp_printer.address))
    began = time.monotonic()
    answers = {a.asset_id: a for a in ask_printers(targets, PollOptions(timeout=1.5, concurrency=4))}
    took = time.monotonic() - began
    assert took < 4, f"the poll took {took:.1f} s; each printer has 1.5 s"
    assert not answers[1].answered and "not in IPP" in answers[1].error  # garbage
    assert not answers[2].answered and "No answer within" in answers[2].error  # headers, then nothing
    assert not answers[3].answered and "No answer within" in answers[3].error  # accepts, never answers
    assert answers[9].answered  # the real printer was asked all the same


def test_polls_run_concurrently_with_a_bound(bad_printers):
    silent = bad_printers["silent"].port
    targets = [PollTarget(i, f"127.0.0.1:{silent}") for i in range(6)]
    began = time.monotonic()
    ask_printers(targets, PollOptions(timeout=1.0, concurrency=3))
    took = time.monotonic() - began
    assert 1.8 < took < 3.8, f"six hanging printers three at a time take two rounds of 1 s, not {took:.1f} s"


# --- The poller with the database: incidents and the board ------------------------------------


def test_a_printer_out_of_paper_opens_an_incident_shows_down_and_its_recovery_closes_it(
    db, ipp_printer, make_asset, it_queues, client, django_capture_on_commit_callbacks
):
    cache.clear()
    asset = make_asset("printer", name="Printer by the door", network_address=ipp_printer.address)

    summary = services.printers_poll(options=FAST)
    assert summary.asked == 1 and summary.answering == 1 and summary.opened == 0
    assert board_state(asset.tag) == "working"

    ipp_printer.trays(main=0, bypass=25)  # someone prints the tray empty
    with django_capture_on_commit_callbacks(execute=True):
        summary = services.printers_poll(options=FAST)
    assert summary.opened == 1
    feed = client.get("/labs/status.json").json()  # the public feed, as the board's readers get it
    assert [d["state"] for lab in feed["labs"] for d in lab["printers"] if d["tag"] == asset.tag] == ["down"]
    incident = Incident.objects.get(asset=asset)
    assert incident.source == "device" and incident.problem == "out_of_paper" and incident.is_open
    assert "media-empty" in incident.reports.get().note
    assert incident.ticket.queue == it_queues["printing"]
    assert board_state(asset.tag) == "down"

    # The next minute's poll sees the same fault: no second incident, no second report.
    assert services.printers_poll(options=FAST).opened == 0
    assert Incident.objects.filter(asset=asset).count() == 1 and incident.reports.count() == 1

    ipp_printer.trays(main=250, bypass=25)  # refilled
    summary = services.printers_poll(options=FAST)
    assert summary.closed == 1
    incident.refresh_from_db()
    assert incident.state == "resolved" and incident.resolved_by is None
    assert incident.ticket.state == "resolved"
    assert board_state(asset.tag) == "working"


def test_a_printer_that_stops_answering_is_no_signal_not_working(
    db, ipp_printer, make_asset, client, django_capture_on_commit_callbacks
):
    cache.clear()
    asset = make_asset("printer", name="Printer by the door", network_address=ipp_printer.address)
    services.printers_poll(options=FAST)
    assert board_state(asset.tag) == "working"
    ipp_printer.kill()  # switched off at the wall
    with django_capture_on_commit_callbacks(execute=True):
        services.printers_poll(options=FAST)
    assert board_state(asset.tag) == "no_signal"
    # What a patron sees: the public board and the printer's QR page.
    assert "Printer by the door: No signal" in client.get("/labs/status/").content.decode()
    qr_page = client.get(f"/labs/d/{asset.public_code}/").content.decode()
    assert "No signal" in qr_page and "Working" not in qr_page
    signal = PrinterSignal.objects.get(asset=asset)
    assert not signal.answering and signal.error == "Could not connect."
    assert not Incident.objects.filter(asset=asset).exists()  # silence is not a fault report


def test_recovery_never_closes_an_incident_a_person_reported(db, ipp_printer, make_asset, users):
    from liaison.core.roles import Role

    asset = make_asset("printer", network_address=ipp_printer.address)
    services.fault_report_staff(actor=users[Role.LIBRARY_STAFF], asset=asset, problem="print_quality")
    services.printers_poll(options=FAST)
    assert Incident.objects.get(asset=asset).is_open  # streaks are not something IPP can see


def test_a_fault_joins_the_incident_a_person_opened(db, ipp_printer, make_asset, users):
    from liaison.core.roles import Role

    asset = make_asset("printer", network_address=ipp_printer.address)
    services.fault_report_staff(actor=users[Role.LIBRARY_STAFF], asset=asset, problem="paper_jam")
    ipp_printer.trays(main=0, bypass=0)
    summary = services.printers_poll(options=FAST)
    assert summary.joined == 1
    incident = Incident.objects.get(asset=asset)
    assert incident.report_count == 2 and incident.source == "staff"


def test_one_broken_printer_does_not_stop_the_poll_and_the_command_runs_without_redis(
    db, ipp_printer, bad_printers, make_asset, settings
):
    cache.clear()
    settings.LIAISON_LABS_IPP_TIMEOUT = 1.5
    hung = make_asset("printer", network_address=f"127.0.0.1:{bad_printers['hang'].port}")
    garbage = make_asset("label", network_address=f"127.0.0.1:{bad_printers['garbage'].port}")
    good = make_asset("printer", network_address=ipp_printer.address)
    make_asset("printer")  # no address: not polled
    ipp_printer.trays(main=0, bypass=25)
    began = time.monotonic()
    from io import StringIO

    out = StringIO()
    call_command("poll_printers", stdout=out)
    assert time.monotonic() - began < 5
    assert "Asked 3 printer(s)" in out.getvalue() and "2 no signal" in out.getvalue()
    assert "incidents opened 1" in out.getvalue()
    assert board_state(hung.tag) == "no_signal" and board_state(garbage.tag) == "no_signal"
    assert board_state(good.tag) == "down"


def test_two_polls_never_overlap(db, make_asset):
    cache.set(services.POLL_LOCK_KEY, 1, 30)
    try:
        assert services.printers_poll(options=FAST).skipped
    finally:
        cache.delete(services.POLL_LOCK_KEY)


def test_a_printer_the_poller_has_not_heard_from_for_ten_minutes_is_no_signal(db, make_asset):
    import datetime as dt

    from django.utils import timezone

    cache.clear()
    asset = make_asset("printer", network_address="prn-x.lib.example")
    PrinterSignal.objects.create(asset=asset, polled_at=timezone.now() - dt.timedelta(minutes=11), answering=True)
    assert board_state(asset.tag) == "no_signal"


def test_a_printer_whose_address_is_removed_is_no_longer_judged_by_its_last_poll(db, make_asset, users):
    from django.utils import timezone

    from liaison.core.roles import Role

    cache.clear()
    asset = make_asset("printer", network_address="prn-x.lib.example")
    PrinterSignal.objects.create(asset=asset, polled_at=timezone.now(), answering=False, error="Could not connect.")
    assert board_state(asset.tag) == "no_signal"
    services.asset_update(actor=users[Role.IT_STAFF], asset=asset, data={"network_address": ""})
    assert board_state(asset.tag) == "working"
    assert services.printers_to_poll() == []


def test_a_printer_the_poller_has_never_heard_from_is_no_signal_not_working(db, make_asset):
    from django.utils import timezone

    cache.clear()
    polled = make_asset("printer", network_address="prn-new.lib.example")  # added a moment ago, not asked yet
    unpolled = make_asset("printer")  # no address: never asked, shown as working until someone reports it
    assert board_state(polled.tag) == "no_signal"
    assert board_state(unpolled.tag) == "working"
    PrinterSignal.objects.create(asset=polled, polled_at=timezone.now(), answering=True)
    cache.clear()
    assert board_state(polled.tag) == "working"


def test_resolving_while_the_printer_still_reports_the_fault_opens_nothing_until_it_is_seen_anew(
    db, make_asset, it_queues, users
):
    from django.db import transaction

    from liaison.core.roles import Role

    asset = make_asset("printer", network_address="prn-y.lib.example")

    def poll(*reasons):
        answer = Answer(asset_id=asset.pk, answered=True, state="stopped" if reasons else "idle", reasons=reasons)
        with transaction.atomic():
            return services.printer_answer_record(asset=asset, answer=answer)

    assert poll("media-empty") == "opened"
    incident = Incident.objects.get(asset=asset)
    services.incident_change_state(actor=users[Role.IT_STAFF], incident=incident, state="resolved",
                                   resolution="Refilled tray 2; the sensor lags.")  # fmt: skip
    assert poll("media-empty") == "" and poll("media-empty") == ""  # the same fault: IT's word stands
    assert Incident.objects.filter(asset=asset).count() == 1
    assert poll("media-jam") == "opened"  # another fault is new
    assert Incident.objects.filter(asset=asset).exclude(state="resolved").get().problem == "paper_jam"
    assert poll() == "closed"  # the printer's own incident closes when it answers without a fault
    assert poll("media-jam") == "opened"  # and the same fault after a clean answer is new again
    assert Incident.objects.filter(asset=asset).count() == 3
