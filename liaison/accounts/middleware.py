from django.conf import settings
from django.contrib.auth.middleware import PersistentRemoteUserMiddleware


class TrustedRemoteUserMiddleware(PersistentRemoteUserMiddleware):
    """Campus single sign-on through a header set by the web server, off unless the site
    turns it on (LIAISON_SSO_REMOTE_USER=1). Only enable behind a server that strips the
    header from outside requests."""

    def __init__(self, get_response):
        super().__init__(get_response)
        header = settings.SSO_REMOTE_USER_HEADER.upper().replace("-", "_")
        self.header = header if header == "REMOTE_USER" else f"HTTP_{header}"

    def __call__(self, request):
        if not settings.SSO_REMOTE_USER_ENABLED:
            return self.get_response(request)
        return super().__call__(request)

    def process_request(self, request):
        if not settings.SSO_REMOTE_USER_ENABLED:
            return None
        return super().process_request(request)
