"""Pages through GET /objects until no `next` is left; prints entries, pages and seconds.

Usage: python3 list_all.py PORT LIMIT
"""
import http.client
import json
import sys
import time
import urllib.parse

port, limit = int(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
after, entries, pages, last = "", 0, 0, None
start = time.monotonic()
while True:
    query = urllib.parse.urlencode({"limit": limit, "after": after})
    conn.request("GET", "/objects?" + query)
    response = conn.getresponse()
    if response.status != 200:
        sys.exit(f"listing: {response.status} {response.read()[:200]!r}")
    page = json.load(response)
    for entry in page["objects"]:
        if last is not None and entry["key"] <= last:
            sys.exit(f"listing: {entry['key']!r} after {last!r}: out of order or repeated")
        last = entry["key"]
    entries += len(page["objects"])
    pages += 1
    if "next" not in page:
        break
    after = page["next"]
print(f"{entries} {pages} {time.monotonic() - start:.2f}")
