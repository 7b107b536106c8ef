"""The reference for the store digest bench: boto3's download_file of every object under a
prefix (its default transfer: parallel ranged GETs), then `sha256sum` of the downloaded files.
usage: boto3_download.py <bucket> <prefix> <dir>; prints JSON {download_ms, sha256sum_ms, files}."""
import json
import os
import subprocess
import sys
import time

import boto3

bucket, prefix, target = sys.argv[1], sys.argv[2], sys.argv[3]
client = boto3.client("s3", endpoint_url=os.environ.get("MLFLOW_S3_ENDPOINT_URL"))
keys = [o["Key"] for p in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for o in p.get("Contents", [])]
os.makedirs(target, exist_ok=True)
started = time.perf_counter()
paths = []
for key in keys:
    path = os.path.join(target, key[len(prefix):])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    client.download_file(bucket, key, path)
    paths.append(path)
download_ms = (time.perf_counter() - started) * 1000
started = time.perf_counter()
out = subprocess.run(["sha256sum", *paths], check=True, capture_output=True, text=True).stdout
sha_ms = (time.perf_counter() - started) * 1000
files = {}
for line in out.splitlines():
    digest, path = line.split("  ", 1)
    files[os.path.relpath(path, target)] = digest
print(json.dumps({"download_ms": download_ms, "sha256sum_ms": sha_ms, "files": files}))
