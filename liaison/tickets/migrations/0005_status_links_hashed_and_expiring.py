"""Status links move from a plain token on the ticket to hashed, expiring StatusLink rows.

Links already e-mailed keep working: each stored token becomes the hash of itself, valid for
30 days from now (or 7 days after the ticket closed, whichever is sooner)."""

import datetime as dt
import hashlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def hash_existing_tokens(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    StatusLink = apps.get_model("tickets", "StatusLink")
    now = django.utils.timezone.now()
    links = []
    for ticket in Ticket.objects.exclude(status_token=None).only("pk", "status_token", "closed_at").iterator():
        expires = now + dt.timedelta(days=30)
        if ticket.closed_at is not None:
            expires = min(expires, ticket.closed_at + dt.timedelta(days=7))
        links.append(
            StatusLink(
                ticket_id=ticket.pk,
                token_hash=hashlib.sha256(ticket.status_token.encode()).hexdigest(),
                created_at=now,
                expires_at=expires,
            )
        )
    StatusLink.objects.bulk_create(links, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_ticket_search_vector"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="StatusLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("expires_at", models.DateTimeField(db_index=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "ticket",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="status_links", to="tickets.ticket"
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        # Going back cannot recover tokens from their hashes: old links then stop working.
        migrations.RunPython(hash_existing_tokens, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="ticket",
            name="status_token",
        ),
    ]
