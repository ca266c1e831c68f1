"""Request rates per partner key and per staff user (429 with Retry-After when exceeded).

Counted in the default cache, which with DEBUG off is Redis shared by every web process
(settings: ``CACHE_URL`` or the broker's Redis), by an atomic increment: DRF's own throttle
reads a list of times and writes it back, and parallel requests on several processes each
wrote their own list over the others', so a burst passed the limit. A window opens at a
principal's first request and lasts the rate's period (``N/min``: N requests in the minute
after the first).
"""

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
        self.key = self.get_cache_key(request, view)
        now = self.timer()
        # The window's start: set once (an atomic add), read by every process.
        self.cache.add(f"{self.key}:start", now, self.duration)
        start = self.cache.get(f"{self.key}:start", now)
        self.window_end = start + self.duration
        counter = f"{self.key}:{start}"
        self.cache.add(counter, 0, self.duration + 1)
        try:
            count = self.cache.incr(counter)
        except ValueError:  # the window ended between the add and the increment
            self.cache.add(counter, 1, self.duration + 1)
            count = 1
        return count <= self.num_requests

    def wait(self):
        return max(1.0, self.window_end - self.timer())

    def get_cache_key(self, request, view):
        viewer = Viewer.of(request.user)
        if viewer.api_key is not None:
            ident = f"key:{viewer.api_key.pk}"
        elif viewer.user is not None:
            ident = f"user:{viewer.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
