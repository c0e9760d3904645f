"""The inventory: assets made and changed through the services, with their rules."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.labs import selectors, services
from liaison.labs.models import Asset


def codes(exc: ValidationError) -> list[str]:
    return [e.code for errors in exc.error_dict.values() for e in errors]


def test_an_asset_takes_its_kind_from_its_model_and_gets_a_qr_code(printer, models_):
    assert printer.kind == "printer"
    assert len(printer.public_code) == 10
    assert AuditEvent.objects.filter(action="labs_asset.create", object_id=str(printer.pk)).exists()


def test_a_tag_is_unique_whatever_its_case(make_asset):
    make_asset("pc", tag="LIB-PC-1")
    with pytest.raises(ValidationError) as exc:
        make_asset("pc", tag="lib-pc-1")
    assert codes(exc.value) == ["labs.tag_taken"]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("tag", "", "labs.tag_required"),
        ("tag", "<script>", "labs.tag_invalid"),
        ("network_address", "http://evil example", "labs.address_invalid"),
        ("status", "stolen", "labs.status_unknown"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(printer, users, field, value, code):
    with pytest.raises(ValidationError) as exc:
        services.asset_update(actor=users[Role.IT_STAFF], asset=printer, data={field: value})
    assert list(exc.value.error_dict) == [field]
    assert codes(exc.value) == [code]
    printer.refresh_from_db()
    assert printer.status == Asset.Status.IN_SERVICE


def test_a_printer_address_may_be_an_ip_or_a_host(printer, users):
    for address in ("10.1.2.3", "ipp://printer-2.lib.example.edu:631/ipp/print", "[::1]"):
        services.asset_update(actor=users[Role.IT_STAFF], asset=printer, data={"network_address": address})
        printer.refresh_from_db()
        assert printer.network_address == address


def test_library_staff_see_the_inventory_but_do_not_change_it(printer, users):
    library = users[Role.LIBRARY_STAFF]
    assert selectors.asset_get_for_user(user=library, asset_id=printer.pk) == printer
    with pytest.raises(PermissionDenied):
        selectors.asset_get_for_user(user=library, asset_id=printer.pk, for_edit=True)
    with pytest.raises(PermissionDenied):
        services.asset_update(actor=library, asset=printer, data={"name": "x"})


def test_an_unknown_or_malformed_id_is_a_404(users):
    for key in ("999999", "abc", "1" * 40):
        with pytest.raises(Http404):
            selectors.asset_get_for_user(user=users[Role.IT_STAFF], asset_id=key)


def test_a_retired_device_is_gone_from_its_qr_code_but_kept_for_staff(printer, users):
    services.asset_update(actor=users[Role.IT_STAFF], asset=printer, data={"status": "retired"})
    with pytest.raises(Http404):
        selectors.asset_get_public(code=printer.public_code)
    assert selectors.asset_get_for_user(user=users[Role.IT_STAFF], asset_id=printer.pk) == printer
    assert printer not in selectors.assets_for_user(user=users[Role.IT_STAFF])


def test_the_asset_list_runs_in_a_fixed_number_of_queries(make_asset, users, django_assert_max_num_queries):
    for _ in range(15):
        make_asset("pc")
    with django_assert_max_num_queries(2):
        rows = [(a.tag, a.model.maker.name, a.room.building.name, a.owner.code) for a in
                selectors.assets_for_user(user=users[Role.STUDENT_WORKER])]  # fmt: skip
    assert len(rows) == 15
