"""`--s3-endpoint`: Firehose delivers its objects to a real S3-compatible service — moto's server,
started here on a free port — with signed PUTs, read back with boto3 from that service."""

import gzip
import os
import socket
import subprocess
import time

import boto3
import pytest

from conftest import start_server, until
from test_firehose import create, firehose_client


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def moto():
    port = free_port()
    binary = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", ".venv", "bin", "moto_server")
    if not os.path.exists(binary):
        binary = "moto_server"
    process = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}"

    def answers():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            return False

    until(answers, timeout=30)
    yield address
    process.terminate()
    process.wait(timeout=10)


def test_objects_are_put_to_the_s3_endpoint(tmp_path, moto):
    s3 = boto3.client("s3", endpoint_url=moto, region_name="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test")
    s3.create_bucket(Bucket="remote-bucket")
    process, address = start_server("--data-dir", str(tmp_path), "--s3-endpoint", moto)
    try:
        client = firehose_client(address)
        create(client, "to-moto", "remote-bucket", Prefix="clicks/", CompressionFormat="GZIP")
        client.put_record(DeliveryStreamName="to-moto", Record={"Data": b"hello moto"})
        listed = until(lambda: s3.list_objects_v2(Bucket="remote-bucket").get("Contents"))
        key = listed[0]["Key"]
        assert key.startswith("clicks/") and key.endswith(".gz"), key
        got = s3.get_object(Bucket="remote-bucket", Key=key)
        assert got["ContentEncoding"] == "gzip"
        assert gzip.decompress(got["Body"].read()) == b"hello moto"
        assert not os.path.exists(os.path.join(tmp_path, "s3", "remote-bucket")), "not in the data directory"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_missing_bucket_is_retried_not_lost(tmp_path, moto):
    process, address = start_server("--data-dir", str(tmp_path), "--s3-endpoint", moto)
    try:
        client = firehose_client(address)
        create(client, "to-nowhere", "no-such-bucket")
        client.put_record(DeliveryStreamName="to-nowhere", Record={"Data": b"wait for me"})
        time.sleep(0.5)
        s3 = boto3.client("s3", endpoint_url=moto, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test")
        s3.create_bucket(Bucket="no-such-bucket")
        # The failed PUT is retried after 1 s, then 2 s, ...
        listed = until(lambda: s3.list_objects_v2(Bucket="no-such-bucket").get("Contents"), timeout=15)
        assert s3.get_object(Bucket="no-such-bucket", Key=listed[0]["Key"])["Body"].read() == b"wait for me"
    finally:
        process.terminate()
        process.wait(timeout=10)
