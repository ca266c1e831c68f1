"""Request rates per partner key and per staff user (429 with Retry-After when exceeded).

Counted in the default cache, which with DEBUG off is Redis shared by every web process
(settings: ``CACHE_URL`` or the broker's Redis), by an atomic increment: DRF's own throttle
reads a list of times and writes it back, and parallel requests on several processes each
wrote their own list over the others', so a burst passed the limit. A window opens at a
principal's first request and lasts the rate's period (``N/min``: N requests in the minute
after the first).

On Redis a request costs one round trip: a small Lua script increments the window's counter,
gives it the window's lifetime when it is new, and returns the count with the time left, all
atomically (Redis runs a script alone). Other caches (each process's own memory, with DEBUG
on) count with Django's cache operations.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.commands.core import Script
from rest_framework.throttling import SimpleRateThrottle

from displacement.selectors.access import Viewer

#: KEYS[1]: the principal's counter; ARGV[1]: the window in milliseconds. Returns the count,
#: this request included, and the milliseconds left in the window.
_COUNT = Script(
    None,
    b"""
local count = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}
""",
)


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
        backend = caches["default"]  # what DRF's ``self.cache`` stands for
        if isinstance(backend, RedisCache):
            count, left = self._count_in_redis(backend)
            self.window_end = now + left / 1000
        else:
            count = self._count_in_cache(now)
        return count <= self.num_requests

    def _count_in_redis(self, backend: RedisCache) -> tuple[int, int]:
        key = backend.make_and_validate_key(f"{self.key}:n")
        client = backend._cache.get_client(key, write=True)
        count, left = _COUNT(keys=[key], args=[int(self.duration * 1000)], client=client)
        return int(count), int(left)

    def _count_in_cache(self, now: float) -> int:
        # The window's start: set once (an atomic add), read by every thread.
        self.cache.add(f"{self.key}:start", now, self.duration)
        start = self.cache.get(f"{self.key}:start", now)
        self.window_end = start + self.duration
        counter = f"{self.key}:{start}"
        self.cache.add(counter, 0, self.duration + 1)
        try:
            return self.cache.incr(counter)
        except ValueError:  # the window ended between the add and the increment
            self.cache.add(counter, 1, self.duration + 1)
            return 1

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
