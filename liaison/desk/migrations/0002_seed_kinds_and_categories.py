"""The starting lists a site can then edit in the admin: kinds, technology categories, tags."""

from django.db import migrations

KINDS = [
    # slug, name, shortcut letter, asks for a technology category
    ("research", "Research", "r", False),
    ("technology", "Technology", "t", True),
    ("directional", "Directional", "d", False),
    ("equipment-printing", "Equipment/printing", "p", True),
    ("account-access", "Account/access", "a", True),
    ("other", "Other", "o", False),
]

TECH_CATEGORIES = [
    ("wifi-network", "Wi-Fi/network"),
    ("accounts-passwords", "Accounts & passwords"),
    ("printing", "Printing"),
    ("software-install", "Software install"),
    ("hardware-laptop", "Hardware/laptop"),
    ("email-office", "E-mail/Office"),
    ("lms-canvas", "LMS/Canvas"),
    ("av-classroom", "AV/classroom"),
    ("other", "Other"),
]

TAGS = [
    ("citation-help", "Citation help"),
    ("interlibrary-loan", "Interlibrary loan"),
    ("course-reserves", "Course reserves"),
    ("databases", "Databases"),
    ("thesis", "Thesis"),
    ("scanning", "Scanning"),
    ("printing-credit", "Printing credit"),
    ("mfa", "Multi-factor sign-in"),
    ("vpn", "VPN/remote access"),
    ("room-booking", "Room booking"),
    ("first-year", "First-year student"),
    ("graduate", "Graduate student"),
]


def seed(apps, schema_editor):
    InteractionKind = apps.get_model("desk", "InteractionKind")
    TechCategory = apps.get_model("desk", "TechCategory")
    TopicTag = apps.get_model("desk", "TopicTag")
    for order, (slug, name, shortcut, asks) in enumerate(KINDS):
        InteractionKind.objects.get_or_create(
            slug=slug, defaults={"name": name, "shortcut": shortcut, "asks_tech_category": asks, "order": order}
        )
    for order, (slug, name) in enumerate(TECH_CATEGORIES):
        TechCategory.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    for slug, name in TAGS:
        TopicTag.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_interactions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
