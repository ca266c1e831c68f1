"""Request rates per partner key and per staff user (429 with Retry-After when exceeded)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from displacement.selectors.access import Viewer


class PrincipalRateThrottle(SimpleRateThrottle):
    scope = "principal"

    def get_rate(self):
        return None  # chosen per request in allow_request

    def allow_request(self, request, view):
        viewer = Viewer.of(request.user)
        self.rate = settings.API_RATE_PARTNER if viewer.api_key is not None else settings.API_RATE_STAFF
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        viewer = Viewer.of(request.user)
        if viewer.api_key is not None:
            ident = f"key:{viewer.api_key.pk}"
        elif viewer.user is not None:
            ident = f"user:{viewer.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
