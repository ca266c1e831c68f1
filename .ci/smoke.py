"""Wait for the admin login page, log in as a demo user and see demo data in the admin.

Usage: python .ci/smoke.py BASE_URL USERNAME PASSWORD
"""

import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

base, username, password = sys.argv[1:4]
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
started = time.monotonic()
deadline = started + 240
while True:
    try:
        with opener.open(f"{base}/admin/login/", timeout=5) as response:
            if response.status == 200:
                page = response.read().decode()
                break
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        pass
    if time.monotonic() > deadline:
        sys.exit("the admin login page did not answer 200 in time")
    time.sleep(2)
print(f"/admin/login/ answered 200 after {time.monotonic() - started:.0f} s")

token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
form = urllib.parse.urlencode(
    {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
).encode()
request = urllib.request.Request(  # noqa: S310 (our own http URL)
    f"{base}/admin/login/", data=form, headers={"Referer": f"{base}/admin/login/"}
)
with opener.open(request, timeout=30) as response:
    if "/admin/login/" in response.url:
        sys.exit("login failed")
for path, expected in [("/admin/displacement/event/", "drone"), ("/admin/displacement/household/", "HH-")]:
    with opener.open(f"{base}{path}", timeout=30) as response:
        body = response.read().decode()
        if expected.lower() not in body.lower():
            sys.exit(f"{path} does not show the demo data ({expected!r} not found)")
    print(f"{path} shows demo data")
