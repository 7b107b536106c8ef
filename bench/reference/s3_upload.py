"""Uploads every file of a folder to s3://<bucket>/<prefix><name> with boto3 (multipart).
usage: s3_upload.py <bucket> <prefix> <dir>"""
import os
import sys

import boto3

bucket, prefix, source = sys.argv[1], sys.argv[2], sys.argv[3]
client = boto3.client("s3", endpoint_url=os.environ.get("MLFLOW_S3_ENDPOINT_URL"))
try:
    client.create_bucket(Bucket=bucket)
except client.exceptions.BucketAlreadyOwnedByYou:
    pass
for name in sorted(os.listdir(source)):
    client.upload_file(os.path.join(source, name), bucket, prefix + name)
print("{}")
