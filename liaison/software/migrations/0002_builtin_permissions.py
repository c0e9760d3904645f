"""The four permissions every site has; a site adds its own in Setup."""

from django.db import migrations

BUILTIN = [
    ("install_software", "Install software", 10),
    ("add_printers", "Add printers", 20),
    ("run_as_admin", "Run as administrator", 30),
    ("usb_storage", "USB storage", 40),
]


def add(apps, schema_editor):
    Permission = apps.get_model("software", "Permission")
    made = {}
    for key, label, order in BUILTIN:
        made[key], _ = Permission.objects.get_or_create(key=key, defaults={"label": label, "order": order, "is_builtin": True})
    made["install_software"].requires.add(made["run_as_admin"])


def remove(apps, schema_editor):
    apps.get_model("software", "Permission").objects.filter(key__in=[k for k, _l, _o in BUILTIN]).delete()


class Migration(migrations.Migration):
    dependencies = [("software", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
