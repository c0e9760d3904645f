"""Fixtures for the labs tests: IT's queues, a building with two labs, makers and models,
and a factory for assets that goes through the services."""

from __future__ import annotations

import io
import uuid

import pytest

from liaison.core.roles import Role
from liaison.labs import services
from liaison.labs.models import Kind
from liaison.labs.tests.ipp_sim import ipp_printer  # noqa: F401 (a fixture: CUPS's ippeveprinter)
from liaison.places.models import Building, Room
from liaison.tickets.models import Queue


def image_bytes(fmt: str = "PNG", size=(24, 16)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, fmt)
    return buffer.getvalue()


def one_time_key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def it_queues(departments):
    help_desk = Queue.objects.create(name="Help Desk", slug="it-help-desk", department=departments["it"])
    printing = Queue.objects.create(name="Printing", slug="it-printing", department=departments["it"], parent=help_desk)
    labs = Queue.objects.create(name="Labs", slug="it-labs", department=departments["it"], parent=help_desk)
    return {"help_desk": help_desk, "printing": printing, "labs": labs}


@pytest.fixture
def rooms(db):
    building = Building.objects.create(name="Main Library", code="lib")
    commons = Room.objects.create(building=building, name="Learning Commons Lab", number="110", kind=Room.Kind.LAB)
    media = Room.objects.create(building=building, name="Digital Media Lab", number="204", kind=Room.Kind.LAB)
    office = Room.objects.create(building=building, name="Tech Services", number="020", kind=Room.Kind.OFFICE)
    return {"commons": commons, "media": media, "office": office}


@pytest.fixture
def models_(db):
    hp = services.maker_get_or_create(name="HP")
    zebra = services.maker_get_or_create(name="Zebra")
    dell = services.maker_get_or_create(name="Dell")
    return {
        "printer": services.asset_model_get_or_create(maker=hp, name="LaserJet M607", kind=Kind.PRINTER),
        "label": services.asset_model_get_or_create(maker=zebra, name="ZD421", kind=Kind.LABEL_PRINTER),
        "pc": services.asset_model_get_or_create(maker=dell, name="OptiPlex 7010", kind=Kind.WORKSTATION),
    }


@pytest.fixture
def make_asset(users, departments, rooms, models_, it_queues):
    counter = {"n": 0}

    def make(model="printer", room="commons", owner="library", **extra):
        counter["n"] += 1
        return services.asset_create(
            actor=users[Role.IT_STAFF],
            tag=extra.pop("tag", f"LIB-{model.upper()}-{counter['n']:02d}"),
            model=models_[model],
            room=rooms[room],
            owner=departments[owner],
            **extra,
        )

    return make


@pytest.fixture
def printer(make_asset):
    return make_asset("printer", name="Printer by the door")


@pytest.fixture
def pc(make_asset):
    return make_asset("pc", tag="LIB-PC-110-01")
