"""Firehose with boto3 and the AWS CLI against `kinescope serve`: delivery streams, puts, and the
objects they land as, read back from the data directory by independent readers."""

import base64
import glob
import gzip
import io
import json
import os
import subprocess
import time
import zipfile

import boto3
import pytest
import snappy
from botocore.exceptions import ClientError

from conftest import start_server, until

ROLE = "arn:aws:iam::000000000000:role/firehose"


def firehose_client(address):
    return boto3.client(
        "firehose",
        endpoint_url=address,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server with its own data directory; yields (client, data directory, address)."""
    data_dir = tmp_path_factory.mktemp("firehose-data")
    process, address = start_server("--data-dir", str(data_dir))
    yield firehose_client(address), data_dir, address
    process.terminate()
    process.wait(timeout=10)


def create(client, name, bucket, **destination):
    config = {
        "RoleARN": ROLE,
        "BucketARN": f"arn:aws:s3:::{bucket}",
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
    }
    config.update(destination)
    arn = client.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration=config)[
        "DeliveryStreamARN"
    ]
    assert arn == f"arn:aws:firehose:us-east-1:000000000000:deliverystream/{name}"
    for _ in range(50):
        status = client.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
        if status["DeliveryStreamStatus"] == "ACTIVE":
            return status
        time.sleep(0.1)
    raise AssertionError(f"{name} never became ACTIVE")


def objects(data_dir, bucket):
    return sorted(glob.glob(os.path.join(data_dir, "s3", bucket, "**", "*"), recursive=True), key=os.path.getmtime)


def only_object(data_dir, bucket):
    files = [f for f in objects(data_dir, bucket) if os.path.isfile(f)]
    assert len(files) == 1, files
    return files[0]


def test_create_describe_put_and_deliver_with_boto3(served):
    client, data_dir, _ = served
    description = create(client, "boto-plain", "plain-bucket")
    destination = description["Destinations"][0]
    assert destination["DestinationId"] == "destinationId-000000000001"
    assert destination["ExtendedS3DestinationDescription"]["CompressionFormat"] == "UNCOMPRESSED"
    assert description["VersionId"] == "1"
    put = client.put_record(DeliveryStreamName="boto-plain", Record={"Data": b'{"n":1}'})
    assert put["RecordId"] and put["Encrypted"] is False
    batch = client.put_record_batch(
        DeliveryStreamName="boto-plain", Records=[{"Data": b'{"n":2}'}, {"Data": b'{"n":3}'}]
    )
    assert batch["FailedPutCount"] == 0 and len(batch["RequestResponses"]) == 2
    files = [f for f in objects(data_dir, "plain-bucket") if os.path.isfile(f)]
    assert len(files) == 2
    contents = b"".join(open(f, "rb").read() for f in files)
    assert sorted(contents.replace(b"}{", b"}\n{").split(b"\n")) == [b'{"n":1}', b'{"n":2}', b'{"n":3}']
    key = os.path.relpath(files[0], os.path.join(data_dir, "s3", "plain-bucket"))
    parts = key.split("/")
    assert len(parts) == 5 and parts[4].startswith("boto-plain-1-"), key
    assert client.list_delivery_streams()["DeliveryStreamNames"] == ["boto-plain"]


@pytest.mark.parametrize(
    "compression,extension",
    [("GZIP", ".gz"), ("ZIP", ".zip"), ("Snappy", ".snappy"), ("HADOOP_SNAPPY", ".snappy")],
)
def test_each_compression_reads_back_with_an_independent_reader(served, compression, extension):
    client, data_dir, _ = served
    bucket = f"compressed-{compression.lower().replace('_', '-')}"
    name = f"hose-{bucket}"
    create(client, name, bucket, CompressionFormat=compression)
    lines = [json.dumps({"i": i, "text": "x" * (i % 50)}).encode() + b"\n" for i in range(2_000)]
    client.put_record_batch(DeliveryStreamName=name, Records=[{"Data": line} for line in lines[:500]])
    path = only_object(data_dir, bucket)
    assert path.endswith(extension), path
    raw = open(path, "rb").read()
    if compression == "GZIP":
        back = gzip.decompress(raw)
    elif compression == "ZIP":
        archive = zipfile.ZipFile(io.BytesIO(raw))
        (entry,) = archive.infolist()
        assert entry.compress_type == zipfile.ZIP_DEFLATED
        assert len(entry.filename) == 36 and entry.filename.count("-") == 4
        back = archive.read(entry)
    elif compression == "HADOOP_SNAPPY":
        back = snappy.HadoopStreamDecompressor().decompress(raw)
    else:
        assert raw[:8] == b"\x82SNAPPY\x00"
        assert raw[8:16] == b"\x00\x00\x00\x01\x00\x00\x00\x01"
        back, rest = b"", raw[16:]
        while rest:
            length = int.from_bytes(rest[:4], "big")
            back += snappy.uncompress(rest[4 : 4 + length])
            rest = rest[4 + length :]
    assert back == b"".join(lines[:500])


def test_errors_are_aws_errors(served):
    client, _, _ = served
    with pytest.raises(ClientError) as missing:
        client.put_record(DeliveryStreamName="nope", Record={"Data": b"x"})
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert missing.value.response["Error"]["Message"] == "Firehose nope under account 000000000000 not found."
    create(client, "sizes", "sizes-bucket")
    with pytest.raises(ClientError) as too_big:
        client.put_record(DeliveryStreamName="sizes", Record={"Data": b"x" * 1_024_001})
    assert too_big.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as too_many:
        client.put_record_batch(DeliveryStreamName="sizes", Records=[{"Data": b"x"}] * 501)
    assert too_many.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as no_destination:
        client.create_delivery_stream(DeliveryStreamName="lonely")
    assert no_destination.value.response["Error"]["Code"] == "InvalidArgumentException"
    assert no_destination.value.response["Error"]["Message"] == (
        "Exactly one destination configuration is supported for a Firehose"
    )
    with pytest.raises(ClientError) as stale:
        client.update_destination(
            DeliveryStreamName="sizes",
            CurrentDeliveryStreamVersionId="7",
            DestinationId="destinationId-000000000001",
            ExtendedS3DestinationUpdate={"Prefix": "new/"},
        )
    assert stale.value.response["Error"]["Code"] == "ConcurrentModificationException"


def test_tags_encryption_update_and_delete(served):
    client, _, _ = served
    create(client, "lifecycle", "lifecycle-bucket")
    client.tag_delivery_stream(DeliveryStreamName="lifecycle", Tags=[{"Key": "team", "Value": "data"}])
    tags = client.list_tags_for_delivery_stream(DeliveryStreamName="lifecycle")
    assert tags["Tags"] == [{"Key": "team", "Value": "data"}] and tags["HasMoreTags"] is False
    client.start_delivery_stream_encryption(DeliveryStreamName="lifecycle")
    time.sleep(1)
    described = client.describe_delivery_stream(DeliveryStreamName="lifecycle")["DeliveryStreamDescription"]
    assert described["DeliveryStreamEncryptionConfiguration"] == {"KeyType": "AWS_OWNED_CMK", "Status": "ENABLED"}
    client.update_destination(
        DeliveryStreamName="lifecycle",
        CurrentDeliveryStreamVersionId="1",
        DestinationId="destinationId-000000000001",
        ExtendedS3DestinationUpdate={"Prefix": "v2/"},
    )
    described = client.describe_delivery_stream(DeliveryStreamName="lifecycle")["DeliveryStreamDescription"]
    assert described["VersionId"] == "2"
    assert described["Destinations"][0]["ExtendedS3DestinationDescription"]["Prefix"] == "v2/"
    client.delete_delivery_stream(DeliveryStreamName="lifecycle")
    assert client.describe_delivery_stream(DeliveryStreamName="lifecycle")["DeliveryStreamDescription"][
        "DeliveryStreamStatus"
    ] == "DELETING"


def test_faithful_buffering_waits_for_the_interval_and_shutdown_delivers(tmp_path):
    process, address = start_server("--data-dir", str(tmp_path), "--speed", "20")
    client = firehose_client(address)
    create(client, "buffered", "buffered-bucket", BufferingHints={"SizeInMBs": 5, "IntervalInSeconds": 60})
    client.put_record(DeliveryStreamName="buffered", Record={"Data": b"first"})
    time.sleep(1)  # 20 virtual seconds: still buffered
    assert not [f for f in objects(tmp_path, "buffered-bucket") if os.path.isfile(f)]
    time.sleep(2.5)  # past 60 virtual seconds
    assert open(only_object(tmp_path, "buffered-bucket"), "rb").read() == b"first"
    client.put_record(DeliveryStreamName="buffered", Record={"Data": b"last"})
    process.terminate()
    process.wait(timeout=10)
    files = [f for f in objects(tmp_path, "buffered-bucket") if os.path.isfile(f)]
    assert len(files) == 2, "a stopped server delivers what it buffered"


def test_immediate_buffering_delivers_each_put(tmp_path):
    process, address = start_server("--data-dir", str(tmp_path), "--firehose-buffering", "immediate")
    client = firehose_client(address)
    create(client, "eager", "eager-bucket", BufferingHints={"SizeInMBs": 128, "IntervalInSeconds": 900})
    client.put_record(DeliveryStreamName="eager", Record={"Data": b"now"})
    assert open(only_object(tmp_path, "eager-bucket"), "rb").read() == b"now"
    process.terminate()
    process.wait(timeout=10)


def test_the_cli_drives_firehose(served):
    _, data_dir, address = served
    env = dict(os.environ, AWS_ENDPOINT_URL=address, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")

    def aws(*args):
        done = subprocess.run(["aws", "firehose", *args, "--output", "json"], env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    destination = json.dumps({"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::cli-bucket",
                              "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}})
    aws("create-delivery-stream", "--delivery-stream-name", "cli-hose",
        "--extended-s3-destination-configuration", destination)
    time.sleep(1)
    aws("put-record", "--delivery-stream-name", "cli-hose", "--record", "Data=hello-cli")
    assert open(only_object(data_dir, "cli-bucket"), "rb").read() == b"hello-cli"
    listed = aws("list-delivery-streams")["DeliveryStreamNames"]
    assert "cli-hose" in listed


def test_the_s3_view_lists_and_reads_what_was_delivered(served):
    client, data_dir, address = served
    create(client, "viewed", "viewed-bucket", Prefix="logs/", CompressionFormat="GZIP")
    for i in range(3):
        client.put_record(DeliveryStreamName="viewed", Record={"Data": f"line-{i}\n".encode()})
    s3 = boto3.client("s3", endpoint_url=address, region_name="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test")
    assert "viewed-bucket" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    top = s3.list_objects_v2(Bucket="viewed-bucket", Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["logs/"] and "Contents" not in top
    keys, token = [], None
    while True:
        page = s3.list_objects_v2(Bucket="viewed-bucket", Prefix="logs/", MaxKeys=2,
                                  **({"ContinuationToken": token} if token else {}))
        keys += [o["Key"] for o in page.get("Contents", [])]
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert len(keys) == 3 and len(set(keys)) == 3
    texts = []
    for key in keys:
        got = s3.get_object(Bucket="viewed-bucket", Key=key)
        assert got["ContentEncoding"] == "gzip" and got["ContentType"] == "application/octet-stream"
        body = got["Body"].read()
        on_disk = open(os.path.join(data_dir, "s3", "viewed-bucket", key), "rb").read()
        assert body == on_disk
        texts.append(gzip.decompress(body))
    assert sorted(texts) == [b"line-0\n", b"line-1\n", b"line-2\n"]
    head = s3.head_object(Bucket="viewed-bucket", Key=keys[-1])
    assert head["ContentLength"] == len(on_disk) and head["ContentEncoding"] == "gzip"
    ranged = s3.get_object(Bucket="viewed-bucket", Key=keys[0], Range="bytes=0-1")
    assert ranged["Body"].read() == b"\x1f\x8b" and ranged["ContentRange"].startswith("bytes 0-1/")
    with pytest.raises(ClientError) as missing:
        s3.get_object(Bucket="viewed-bucket", Key="logs/nope")
    assert missing.value.response["Error"]["Code"] == "NoSuchKey"
    put = s3.put_object(Bucket="viewed-bucket", Key="reference/x.csv", Body=b"y")
    assert put["ETag"] == '"415290769594460e2e485922904f345d"'
    assert s3.get_object(Bucket="viewed-bucket", Key="reference/x.csv")["Body"].read() == b"y"
    with pytest.raises(ClientError) as refused:
        s3.delete_object(Bucket="viewed-bucket", Key="reference/x.csv")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as tagging:
        s3.put_object_tagging(Bucket="viewed-bucket", Key="reference/x.csv", Tagging={"TagSet": []})
    assert tagging.value.response["Error"]["Code"] == "AccessDenied"
    assert s3.get_object(Bucket="viewed-bucket", Key="reference/x.csv")["Body"].read() == b"y"
    env = dict(os.environ, AWS_ENDPOINT_URL=address, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
    listed = subprocess.run(["aws", "s3", "ls", "s3://viewed-bucket/", "--recursive"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert sorted(line.split()[-1] for line in listed.stdout.splitlines()) == sorted(keys + ["reference/x.csv"])
    copied = subprocess.run(["aws", "s3", "cp", f"s3://viewed-bucket/{keys[0]}", "-"], env=env,
                            capture_output=True, timeout=60)
    assert copied.returncode == 0, copied.stderr
    assert gzip.decompress(copied.stdout) in texts


def test_a_lambda_transform_over_http_with_the_users_own_code(tmp_path):
    """The README's ten-line function server, reached with --lambda NAME=URL."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Upper(BaseHTTPRequestHandler):
        def do_POST(self):
            event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/garbage":
                out = b"this is not json"
            else:
                records = [{"recordId": r["recordId"], "result": "Ok",
                            "data": base64.b64encode(base64.b64decode(r["data"]).upper()).decode()}
                           for r in event["records"]]
                out = json.dumps({"records": records}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args):
            pass

    functions = HTTPServer(("127.0.0.1", 0), Upper)
    threading.Thread(target=functions.serve_forever, daemon=True).start()
    port = functions.server_address[1]
    process, address = start_server("--data-dir", str(tmp_path), "--firehose-buffering", "immediate",
                                    "--lambda", f"upper=http://127.0.0.1:{port}/",
                                    "--lambda", f"broken=http://127.0.0.1:{port}/garbage")
    try:
        client = firehose_client(address)

        def with_lambda(name):
            return {"Enabled": True, "Processors": [{"Type": "Lambda", "Parameters": [
                {"ParameterName": "LambdaArn", "ParameterValue": f"arn:aws:lambda:us-east-1:000000000000:function:{name}"},
                {"ParameterName": "NumberOfRetries", "ParameterValue": "1"}]}]}

        create(client, "shouting", "shouting-bucket", ProcessingConfiguration=with_lambda("upper"))
        client.put_record(DeliveryStreamName="shouting", Record={"Data": b"quiet please"})
        # The function is called off the world's lock: its answer lands on a later clock tick.
        until(lambda: objects(tmp_path, "shouting-bucket"))
        assert open(only_object(tmp_path, "shouting-bucket"), "rb").read() == b"QUIET PLEASE"
        create(client, "failing", "failing-bucket", ProcessingConfiguration=with_lambda("broken"),
               ErrorOutputPrefix="errors/!{firehose:error-output-type}/")
        client.put_record(DeliveryStreamName="failing", Record={"Data": b"lost?"})
        until(lambda: [f for f in objects(tmp_path, "failing-bucket") if os.path.isfile(f)])
        error_file = only_object(tmp_path, "failing-bucket")
        assert "/errors/processing-failed/" in error_file
        record = json.loads(open(error_file).read())
        assert record["errorCode"] == "Lambda.JsonProcessingException"
        assert record["attemptsMade"] == 2
        assert base64.b64decode(record["rawData"]) == b"lost?"
        assert record["lambdaARN"].endswith("function:broken")
    finally:
        process.terminate()
        process.wait(timeout=10)
        functions.shutdown()
