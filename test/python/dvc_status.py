"""DVC's own verdicts, for differential tests of lineage-check (DVC is the reference).

Usage: python dvc_status.py   (JSON requests on stdin, one per line; one JSON answer per line)
  {"op": "status", "dir": "/project"}          -> what `dvc status --json` prints, run in /project
  {"op": "legacy_md5", "paths": ["/a", ...]}   -> {"/a": "<md5-dos2unix as DVC 3 computes it>"}
One long-lived process answers every case, so each verdict costs a Repo open, not a Python start.
"""
import json
import os
import sys

os.environ.setdefault("DVC_NO_ANALYTICS", "1")
from dvc.repo import Repo  # noqa: E402
from dvc_data.hashfile.hash import file_md5  # noqa: E402


def status(root: str):
    os.chdir(root)
    # A fresh Repo per request: nothing is kept in memory between cases. The hash state DB
    # (site_cache_dir) is DVC's own and keyed by inode, mtime and size, as in real use.
    with Repo(root) as repo:
        return repo.status()


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            if req["op"] == "status":
                out = {"ok": status(req["dir"])}
            elif req["op"] == "legacy_md5":
                out = {"ok": {p: file_md5(p, name="md5-dos2unix") for p in req["paths"]}}
            else:
                out = {"error": f"unknown op {req['op']}"}
        except Exception as exc:  # reported to the test, which fails with it
            out = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
