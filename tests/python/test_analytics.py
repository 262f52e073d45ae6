"""Kinesis Data Analytics for SQL with real clients: boto3 and the AWS CLI create an application
with AWS's own example SQL, start it on a stream, write trades, and read the windows' results
from the output stream — on a server whose virtual clock runs at 20x wall time, so a minute's
window closes in three seconds."""

import json
import os
import subprocess
import time

import boto3
import pytest

from conftest import start_server, until

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
TUMBLING = open(os.path.join(ROOT, "assets", "analytics", "tumbling-count.sql")).read()
ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/analytics"


@pytest.fixture(scope="module")
def fast_endpoint():
    process, address = start_server("--speed", "20")
    yield address
    process.terminate()
    process.wait(timeout=10)


def client(service, endpoint):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def schema():
    return {
        "RecordFormat": {"RecordFormatType": "JSON", "MappingParameters": {"JSONMappingParameters": {"RecordRowPath": "$"}}},
        "RecordEncoding": "UTF-8",
        "RecordColumns": [
            {"Name": "TICKER_SYMBOL", "SqlType": "VARCHAR(4)", "Mapping": "$.TICKER_SYMBOL"},
            {"Name": "SECTOR", "SqlType": "VARCHAR(16)", "Mapping": "$.SECTOR"},
            {"Name": "CHANGE", "SqlType": "REAL", "Mapping": "$.CHANGE"},
            {"Name": "PRICE", "SqlType": "REAL", "Mapping": "$.PRICE"},
        ],
    }


def make_streams(kinesis, *names):
    for name in names:
        kinesis.create_stream(StreamName=name, ShardCount=1)
    for name in names:
        kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})


def read_all(kinesis, stream):
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    return [json.loads(r["Data"]) for r in kinesis.get_records(ShardIterator=iterator)["Records"]]


def trade(ticker, change, price):
    return json.dumps({"TICKER_SYMBOL": ticker, "SECTOR": "TECHNOLOGY", "CHANGE": change, "PRICE": price})


def test_boto3_runs_aws_tumbling_example_from_create_to_delete(fast_endpoint):
    kinesis, analytics = client("kinesis", fast_endpoint), client("kinesisanalytics", fast_endpoint)
    make_streams(kinesis, "trades", "trade-counts")
    for ticker in ["AMZN", "AMZN", "QXZ"]:
        kinesis.put_record(StreamName="trades", PartitionKey=ticker, Data=trade(ticker, 0.5, 10.0).encode())
    discovered = analytics.discover_input_schema(
        ResourceARN=f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/trades",
        RoleARN=ROLE,
        InputStartingPositionConfiguration={"InputStartingPosition": "TRIM_HORIZON"},
    )
    names = [c["Name"] for c in discovered["InputSchema"]["RecordColumns"]]
    assert names == ["TICKER_SYMBOL", "SECTOR", "CHANGE", "PRICE"]
    assert discovered["ParsedInputRecords"][0][0] == "AMZN"

    summary = analytics.create_application(
        ApplicationName="trade-counts",
        ApplicationCode=TUMBLING,
        Inputs=[{
            "NamePrefix": "SOURCE_SQL_STREAM",
            "KinesisStreamsInput": {"ResourceARN": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/trades", "RoleARN": ROLE},
            "InputSchema": schema(),
        }],
        Outputs=[{
            "Name": "DESTINATION_SQL_STREAM",
            "KinesisStreamsOutput": {"ResourceARN": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/trade-counts", "RoleARN": ROLE},
            "DestinationSchema": {"RecordFormatType": "JSON"},
        }],
        Tags=[{"Key": "course", "Value": "exam"}],
    )["ApplicationSummary"]
    assert summary["ApplicationStatus"] == "READY"
    assert summary["ApplicationARN"] == f"arn:aws:kinesisanalytics:us-east-1:{ACCOUNT}:application/trade-counts"

    detail = analytics.describe_application(ApplicationName="trade-counts")["ApplicationDetail"]
    input_id = detail["InputDescriptions"][0]["InputId"]
    assert input_id == "1.1"
    assert detail["InputDescriptions"][0]["InAppStreamNames"] == ["SOURCE_SQL_STREAM_001"]
    assert analytics.list_tags_for_resource(ResourceARN=summary["ApplicationARN"])["Tags"] == [{"Key": "course", "Value": "exam"}]
    assert [a["ApplicationName"] for a in analytics.list_applications()["ApplicationSummaries"]] == ["trade-counts"]

    analytics.start_application(
        ApplicationName="trade-counts",
        InputConfigurations=[{"Id": input_id, "InputStartingPositionConfiguration": {"InputStartingPosition": "NOW"}}],
    )
    until(lambda: analytics.describe_application(ApplicationName="trade-counts")["ApplicationDetail"]["ApplicationStatus"] == "RUNNING")
    for ticker in ["AMZN", "AMZN", "TBV", "AMZN"]:
        kinesis.put_record(StreamName="trades", PartitionKey=ticker, Data=trade(ticker, 1.0, 84.5).encode())
    rows = until(lambda: read_all(kinesis, "trade-counts"))
    counts = sorted((r["TICKER_SYMBOL"], r["TICKER_COUNT"]) for r in rows)
    assert counts == [("AMZN", 3), ("TBV", 1)]

    with pytest.raises(analytics.exceptions.ResourceInUseException):
        analytics.start_application(
            ApplicationName="trade-counts",
            InputConfigurations=[{"Id": input_id, "InputStartingPositionConfiguration": {"InputStartingPosition": "NOW"}}],
        )
    analytics.stop_application(ApplicationName="trade-counts")
    until(lambda: analytics.describe_application(ApplicationName="trade-counts")["ApplicationDetail"]["ApplicationStatus"] == "READY")
    created = analytics.describe_application(ApplicationName="trade-counts")["ApplicationDetail"]["CreateTimestamp"]
    analytics.delete_application(ApplicationName="trade-counts", CreateTimestamp=created)

    def gone():
        try:
            analytics.describe_application(ApplicationName="trade-counts")
        except analytics.exceptions.ResourceNotFoundException:
            return True
        return False

    until(gone)


def test_boto3_gets_aws_errors_for_bad_sql_and_bad_names(fast_endpoint):
    analytics = client("kinesisanalytics", fast_endpoint)
    with pytest.raises(analytics.exceptions.CodeValidationException) as bad_sql:
        analytics.create_application(
            ApplicationName="bad-sql",
            ApplicationCode='CREATE OR REPLACE STREAM "S" (a INTEGER);\nSELECT STREAM FROM;',
            Inputs=[{
                "NamePrefix": "SOURCE_SQL_STREAM",
                "KinesisStreamsInput": {"ResourceARN": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/trades", "RoleARN": ROLE},
                "InputSchema": schema(),
            }],
        )
    assert "line 2" in str(bad_sql.value)
    with pytest.raises(analytics.exceptions.ClientError) as bad_name:
        analytics.describe_application(ApplicationName="no spaces allowed")
    assert bad_name.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(analytics.exceptions.ResourceNotFoundException):
        analytics.describe_application(ApplicationName="nobody")


def cli(env, *args):
    done = subprocess.run(["aws", "kinesisanalytics", *args, "--output", "json"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_cli_creates_starts_and_reads_an_application(fast_endpoint, tmp_path):
    env = dict(os.environ, AWS_ENDPOINT_URL=fast_endpoint, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
    kinesis = client("kinesis", fast_endpoint)
    make_streams(kinesis, "cli-trades", "cli-counts")
    code = tmp_path / "tumbling.sql"
    code.write_text(TUMBLING)
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps([{
        "NamePrefix": "SOURCE_SQL_STREAM",
        "KinesisStreamsInput": {"ResourceARN": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/cli-trades", "RoleARN": ROLE},
        "InputSchema": schema(),
    }]))
    created = cli(env, "create-application", "--application-name", "cli-app", "--application-code", f"file://{code}",
                  "--inputs", f"file://{inputs}")
    assert created["ApplicationSummary"]["ApplicationStatus"] == "READY"
    cli(env, "add-application-output", "--application-name", "cli-app", "--current-application-version-id", "1",
        "--application-output", json.dumps({
            "Name": "DESTINATION_SQL_STREAM",
            "KinesisStreamsOutput": {"ResourceARN": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/cli-counts", "RoleARN": ROLE},
            "DestinationSchema": {"RecordFormatType": "CSV"},
        }))
    detail = cli(env, "describe-application", "--application-name", "cli-app")["ApplicationDetail"]
    assert detail["ApplicationVersionId"] == 2
    assert detail["OutputDescriptions"][0]["OutputId"] == "2.1"
    cli(env, "start-application", "--application-name", "cli-app", "--input-configurations",
        "Id=1.1,InputStartingPositionConfiguration={InputStartingPosition=NOW}")
    until(lambda: cli(env, "describe-application", "--application-name", "cli-app")["ApplicationDetail"]["ApplicationStatus"] == "RUNNING")
    kinesis.put_record(StreamName="cli-trades", PartitionKey="k", Data=trade("QXZ", 1.0, 5.0).encode())

    def csv_rows():
        iterator = kinesis.get_shard_iterator(StreamName="cli-counts", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        return [r["Data"].decode() for r in kinesis.get_records(ShardIterator=iterator)["Records"]]

    assert until(csv_rows) == ["QXZ,1\n"]
    listed = cli(env, "list-applications")["ApplicationSummaries"]
    assert {"ApplicationName": "cli-app", "ApplicationStatus": "RUNNING",
            "ApplicationARN": f"arn:aws:kinesisanalytics:us-east-1:{ACCOUNT}:application/cli-app"} in listed
    cli(env, "stop-application", "--application-name", "cli-app")
