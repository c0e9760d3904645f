import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from liaison.accounts.models import User
from liaison.places.models import HoursException, OpeningHours, Room, ServicePoint

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_demo_builds_a_college_and_running_it_twice_adds_nothing():
    call_command("demo", "--quiet-sign-ins")
    counts = (
        User.objects.count(),
        ServicePoint.objects.count(),
        OpeningHours.objects.count(),
        HoursException.objects.count(),
    )
    call_command("demo", "--quiet-sign-ins")
    assert counts == (
        User.objects.count(),
        ServicePoint.objects.count(),
        OpeningHours.objects.count(),
        HoursException.objects.count(),
    )
    assert Room.objects.filter(kind=Room.Kind.LAB).count() == 3
    assert {u.role for u in User.objects.filter(username__in=["admin", "supervisor", "library", "it", "student"])} == {
        "administrator",
        "supervisor",
        "library_staff",
        "it_staff",
        "student_worker",
    }
    assert ServicePoint.objects.get(slug="joint-desk").is_joint


@override_settings(DEBUG=True)
def test_demo_sign_ins_work_with_the_documented_password(client):
    call_command("demo", "--quiet-sign-ins")
    for username in ["admin", "supervisor", "library", "it", "student"]:
        assert client.login(username=username, password="liaison-demo"), username


@override_settings(DEBUG=False)
def test_demo_refuses_to_run_outside_debug():
    with pytest.raises(CommandError, match="only for development"):
        call_command("demo")
    assert not User.objects.exists()
