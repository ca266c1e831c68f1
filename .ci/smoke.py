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

with opener.open(f"{base}/dashboard/", timeout=30) as response:
    if 'class="chart"' not in response.read().decode():
        sys.exit("/dashboard/ shows no charts")
print("/dashboard/ shows its charts")

# The demo report 'demo-flows' runs every 2 minutes on its own (beat -> worker): wait for
# its first run and download its file from the admin, as a coordinator would.
if "--wait-for-report" in sys.argv:
    deadline = time.monotonic() + 420
    while True:
        with opener.open(f"{base}/admin/displacement/reportrun/?status__exact=succeeded", timeout=30) as response:
            links = re.findall(r'href="(/admin/displacement/reportrun/\d+/download/)"', response.read().decode())
        if links:
            break
        if time.monotonic() > deadline:
            sys.exit("no scheduled report run succeeded within 7 minutes")
        time.sleep(10)
    with opener.open(f"{base}{links[0]}", timeout=30) as response:
        content = response.read()
    if not content.startswith("\ufeff".encode()) or b"#adm1+code+origin" not in content:
        sys.exit("the report file is not a CSV with its HXL row")
    print(f"a scheduled report ran on its own after {time.monotonic() - started:.0f} s and downloads from the admin")
