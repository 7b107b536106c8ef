"""The artifact stores as each store's own Python SDK sees them (boto3, google-cloud-storage,
azure-storage-blob), for test/integration/stores: the independent side of the digest checks.

  store_ops.py create URI          creates the bucket or container of URI
  store_ops.py hash URI            sha256 of every object under URI/ (or of URI itself), by relpath
  store_ops.py put URI TEXT        writes TEXT as the object URI (a tampered or hostile key)
  store_ops.py flip URI            flips the low bit of the object's last byte (one byte changed
                                   in the bucket, as an attacker or a bad sync would); run it
                                   again to restore the object

Endpoints and credentials come from the environment, as MLflow's client reads them
(MLFLOW_S3_ENDPOINT_URL, STORAGE_EMULATOR_HOST, AZURE_STORAGE_CONNECTION_STRING). Prints JSON."""
import hashlib
import json
import os
import re
import sys


def s3():
    import boto3
    return boto3.client("s3", endpoint_url=os.environ.get("MLFLOW_S3_ENDPOINT_URL"))


def gcs():
    from google.cloud import storage
    return storage.Client(project=os.environ.get("GOOGLE_CLOUD_PROJECT", "test"))


def azure_container(name):
    from azure.storage.blob import BlobServiceClient
    service = BlobServiceClient.from_connection_string(os.environ["AZURE_STORAGE_CONNECTION_STRING"])
    return service.get_container_client(name)


def split(uri):
    m = re.match(r"^(s3|gs)://([^/]+)/?(.*)$", uri, re.S)
    if m:
        return m.group(1), m.group(2), m.group(3).rstrip("/")
    m = re.match(r"^(wasbs|abfss)://([^@]+)@[^/]+/?(.*)$", uri, re.S)
    if m:
        return "azure", m.group(2), m.group(3).rstrip("/")
    raise SystemExit(f"not a store URI: {uri}")


def objects(kind, bucket, prefix):
    """(key, bytes) of every object under prefix, streamed through a sha256 by the caller."""
    if kind == "s3":
        client = s3()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for o in page.get("Contents", []):
                yield o["Key"], client.get_object(Bucket=bucket, Key=o["Key"])["Body"].iter_chunks(1 << 20)
    elif kind == "gs":
        b = gcs().bucket(bucket)
        for blob in b.list_blobs(prefix=prefix):
            yield blob.name, [blob.download_as_bytes()]
    else:
        c = azure_container(bucket)
        for blob in c.list_blobs(name_starts_with=prefix):
            yield blob.name, c.download_blob(blob.name).chunks()


def main():
    op, uri = sys.argv[1], sys.argv[2]
    kind, bucket, key = split(uri)
    if op == "create":
        if kind == "s3":
            s3().create_bucket(Bucket=bucket)
        elif kind == "gs":
            gcs().create_bucket(bucket)
        else:
            azure_container(bucket).create_container()
        print(json.dumps({"created": bucket}))
    elif op == "put":
        data = sys.argv[3].encode()
        if kind == "s3":
            s3().put_object(Bucket=bucket, Key=key, Body=data)
        elif kind == "gs":
            gcs().bucket(bucket).blob(key).upload_from_string(data)
        else:
            azure_container(bucket).upload_blob(key, data, overwrite=True)
        print(json.dumps({"put": key}))
    elif op == "flip":
        if kind == "s3":
            client = s3()
            data = bytearray(client.get_object(Bucket=bucket, Key=key)["Body"].read())
        elif kind == "gs":
            data = bytearray(gcs().bucket(bucket).blob(key).download_as_bytes())
        else:
            data = bytearray(azure_container(bucket).download_blob(key).readall())
        if not data:
            raise SystemExit(f"{uri} is empty: no byte to change")
        data[-1] ^= 0x01
        if kind == "s3":
            client.put_object(Bucket=bucket, Key=key, Body=bytes(data))
        elif kind == "gs":
            gcs().bucket(bucket).blob(key).upload_from_string(bytes(data))
        else:
            azure_container(bucket).upload_blob(key, bytes(data), overwrite=True)
        print(json.dumps({"flipped": key, "size": len(data)}))
    elif op == "hash":
        # A folder's objects by their path under it; else the one object, by its base name.
        def digest(chunks):
            h = hashlib.sha256()
            for chunk in chunks:
                h.update(chunk)
            return h.hexdigest()
        prefix = f"{key}/" if key else ""
        out = {name[len(prefix):]: digest(chunks) for name, chunks in objects(kind, bucket, prefix)}
        if not out:
            out = {name.rsplit("/", 1)[-1]: digest(chunks)
                   for name, chunks in objects(kind, bucket, key) if name == key}
        print(json.dumps(out))
    else:
        raise SystemExit(f"unknown op {op}")


main()
