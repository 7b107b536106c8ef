"""Verifies an AUDIT.log (format v1) without model-governance's code, as an auditor would.

Usage: audit_verify.py FILE -> prints {"valid": bool, "entries": n, "head": sha, "bad_line": n|null}
Only the published rules: one JSON object per '\n'-terminated line, seq 1.., prev = SHA-256 of the
previous line's exact bytes (64 zeros first).
"""
import hashlib
import json
import sys

data = open(sys.argv[1], "rb").read()
prev = "0" * 64
entries = 0
bad = None
if data and not data.endswith(b"\n"):
    bad = data.count(b"\n") + 1
lines = data.split(b"\n")[:-1] if data else []
for number, raw in enumerate(lines, start=1):
    try:
        entry = json.loads(raw.decode("utf-8"))
        ok = isinstance(entry, dict) and entry.get("v") == 1 and entry.get("seq") == number and entry.get("prev") == prev
    except ValueError:
        ok = False
    if not ok:
        bad = number
        break
    prev = hashlib.sha256(raw).hexdigest()
    entries = number
print(json.dumps({"valid": bad is None, "entries": entries, "head": prev, "bad_line": bad}))
