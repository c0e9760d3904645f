def client_ip(request) -> str:
    """The caller's address. Behind a trusted proxy Django's SECURE_PROXY_SSL_HEADER site
    should also set REMOTE_ADDR correctly (e.g. gunicorn --forwarded-allow-ips)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
