"""System checks for a production install (`manage.py check --deploy`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "0.0.0.0", "::1", "[::1]"}  # noqa: S104 (names, not a bind)


@register(Tags.security, deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """Links in e-mails are built from LIAISON_SITE_URL; a local or missing one sends links
    that work on nobody's computer."""
    hint = "Set LIAISON_SITE_URL to the address people use, e.g. https://liaison.college.example"
    if not getattr(settings, "SITE_URL_IS_SET", True):
        return [
            Error(
                "LIAISON_SITE_URL is not set, so e-mailed links would point at 127.0.0.1.", hint=hint, id="liaison.E001"
            )
        ]
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [Error(f"LIAISON_SITE_URL {settings.SITE_URL!r} is not a web address.", hint=hint, id="liaison.E002")]
    if parts.hostname in LOCAL_HOSTS or parts.hostname.endswith(".localhost"):
        return [
            Error(
                f"LIAISON_SITE_URL {settings.SITE_URL!r} is this machine, not an address others can open.",
                hint=hint,
                id="liaison.E003",
            )
        ]
    if getattr(settings, "SECURE_SSL_REDIRECT", False) and parts.scheme != "https":
        return [
            Error(
                f"LIAISON_SITE_URL {settings.SITE_URL!r} is http while Liaison requires HTTPS.",
                hint=hint,
                id="liaison.E004",
            )
        ]
    return []
