"""The HTTP endpoint destination with boto3 against `kinescope serve`: records POSTed to a small
receiver in AWS's request format, and what a failing receiver leaves in the S3 error prefix."""

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from conftest import start_server, until
from test_firehose import ROLE, firehose_client, objects


class Receiver(BaseHTTPRequestHandler):
    received = []
    status = 200

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Receiver.received.append((self.headers, body))
        out = json.dumps({"requestId": body["requestId"], "timestamp": body["timestamp"]}).encode()
        self.send_response(Receiver.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received = []
    Receiver.status = 200
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/ingest"
    server.shutdown()


def create(client, name, url, **extra):
    config = {
        "EndpointConfiguration": {"Url": url, "Name": "receiver", "AccessKey": "k3y"},
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
        "S3Configuration": {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{name}-backup",
                            "ErrorOutputPrefix": "failed/"},
    }
    config.update(extra)
    client.create_delivery_stream(DeliveryStreamName=name, HttpEndpointDestinationConfiguration=config)
    until(lambda: client.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"][
        "DeliveryStreamStatus"] == "ACTIVE")


def test_records_reach_the_endpoint_in_aws_format(tmp_path, receiver):
    process, address = start_server("--data-dir", str(tmp_path))
    try:
        client = firehose_client(address)
        create(client, "to-http", receiver)
        destination = client.describe_delivery_stream(DeliveryStreamName="to-http")[
            "DeliveryStreamDescription"]["Destinations"][0]["HttpEndpointDestinationDescription"]
        assert destination["EndpointConfiguration"] == {"Url": receiver, "Name": "receiver"}
        client.put_record_batch(DeliveryStreamName="to-http", Records=[{"Data": b"a"}, {"Data": b"b"}])
        until(lambda: Receiver.received)
        headers, body = Receiver.received[0]
        assert headers["X-Amz-Firehose-Protocol-Version"] == "1.0"
        assert headers["X-Amz-Firehose-Access-Key"] == "k3y"
        assert headers["X-Amz-Firehose-Request-Id"] == body["requestId"]
        assert [base64.b64decode(r["data"]) for r in body["records"]] == [b"a", b"b"]
        assert body["timestamp"] > 1_700_000_000_000
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_failing_endpoint_leaves_the_records_in_the_error_prefix(tmp_path, receiver):
    Receiver.status = 500
    process, address = start_server("--data-dir", str(tmp_path))
    try:
        client = firehose_client(address)
        create(client, "to-broken", receiver, RetryOptions={"DurationInSeconds": 0})
        client.put_record(DeliveryStreamName="to-broken", Record={"Data": b"lost?"})
        files = until(lambda: [f for f in objects(tmp_path, "to-broken-backup") if os.path.isfile(f)])
        assert "/failed/" in files[0]
        document = json.loads(open(files[0]).read())
        assert document["errorCode"] == "HttpEndpoint.DestinationException"
        assert base64.b64decode(document["rawData"]) == b"lost?"
    finally:
        process.terminate()
        process.wait(timeout=10)
