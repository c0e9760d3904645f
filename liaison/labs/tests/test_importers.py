"""Imports through the imports app's engine: a Snipe-IT export of lab devices and PaperCut
print logs. Every bad row is reported and nothing partial is kept; a second import adds nothing."""

import datetime as dt

from liaison.core.roles import Role
from liaison.imports.mapping import mapping_from_preset
from liaison.imports.parsing import parse_file
from liaison.imports.registry import importer_get
from liaison.imports.services import import_file
from liaison.labs.models import Asset, AssetModel, PrintJob

SNIPE = b"""Asset Tag,Asset Name,Serial,Model,Manufacturer,Category,Location,Status,Purchase Date,Notes
LIB-LBL-77,Desk label printer,Z123,ZD421,Zebra,Label Printers,Learning Commons Lab,Ready to Deploy,2024-08-15,
LIB-PC-77,Seat 77,D456,OptiPlex 7010,Dell,Desktops,Digital Media Lab,Deployed,2023-01-10,By the window
"""


def run(importer_key, preset_key, content, user, name="file.csv"):
    importer = importer_get(importer_key)
    parsed = parse_file(content, name)
    mapping = mapping_from_preset(importer.preset(preset_key), parsed.headers)
    return import_file(actor=user, importer_key=importer_key, file_name=name, content=content, mapping=mapping,
                       preset_key=preset_key)  # fmt: skip


def test_a_snipe_it_export_becomes_lab_devices_once(users, rooms, departments):
    _run, result = run("lab_assets", "snipe_it", SNIPE, users[Role.IT_STAFF])
    assert not result.rejections and result.rows_new == 2
    label = Asset.objects.get(tag="LIB-LBL-77")
    assert label.kind == "label_printer" and label.room == rooms["commons"] and label.owner.code == "library"
    assert label.in_service_on == dt.date(2024, 8, 15)
    assert AssetModel.objects.filter(maker__name="Zebra", name="ZD421").exists()
    _run, again = run("lab_assets", "snipe_it", SNIPE, users[Role.IT_STAFF])
    assert again.rows_new == 0 and again.already_imported == 2 and Asset.objects.count() == 2


def test_bad_rows_are_each_named_and_nothing_is_kept(users, rooms, departments):
    bad = SNIPE + b"bad tag!,X,,M1,Acme,Spaceships,Moon Base,Deployed,,\n"
    _run, result = run("lab_assets", "snipe_it", bad, users[Role.IT_STAFF])
    fields = {r.field for r in result.rejections}
    assert {"tag", "kind", "room"} <= fields
    assert not Asset.objects.exists()


PAPERCUT = b"""Time,User,Pages,Copies,Printer,Document Name,Client,Paper Size,Language,Height,Width,Duplex,Grayscale,Size
2026-11-20 17:50:10,pmerton,3,2,LIB-PRINTER-01,"Essay - final",JUMP01,LETTER,PCL6,,,NOT DUPLEX,GRAYSCALE,19kb,
2026-11-20 17:52:00,akhan,1,1,prn-lc1,"Boarding pass",JUMP02,LETTER,PCL6,,,NOT DUPLEX,GRAYSCALE,19kb,
"""


def test_a_papercut_log_gives_pages_per_printer_and_never_the_user(users, printer):
    from liaison.core.roles import Role as R
    from liaison.labs import services

    services.asset_update(actor=users[R.IT_STAFF], asset=printer, data={"network_address": "prn-lc1.lib.example"})
    _run, result = run("lab_print_log", "papercut_logger", PAPERCUT, users[Role.IT_STAFF])
    assert not result.rejections and result.rows_new == 2
    assert sorted(PrintJob.objects.values_list("pages", flat=True)) == [1, 6]  # pages × copies
    assert "pmerton" not in repr(list(PrintJob.objects.values()))
    _run, again = run("lab_print_log", "papercut_logger", PAPERCUT, users[Role.IT_STAFF])
    assert again.rows_new == 0 and PrintJob.objects.count() == 2


def test_a_malformed_print_log_is_refused_row_by_row(users, printer):
    bad = PAPERCUT + b"yesterday-ish,x,lots,1,NO-SUCH-PRINTER,doc,c,LETTER,PCL6,,,,,1kb,\n"
    _run, result = run("lab_print_log", "papercut_logger", bad, users[Role.IT_STAFF])
    assert {"printed_at", "pages", "printer"} <= {r.field for r in result.rejections}
    assert not PrintJob.objects.exists()
