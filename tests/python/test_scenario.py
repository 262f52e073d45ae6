"""`kinescope serve --scenario FILE`: the scenario's streams exist and its simulators keep writing
while real clients watch."""

import os
import time

import boto3
import pytest

from conftest import start_server

DEMO = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "scenarios", "demo.json")


@pytest.fixture(scope="module")
def scenario_endpoint():
    process, address = start_server("--scenario", DEMO)
    yield address
    process.terminate()
    process.wait(timeout=10)


def test_the_scenario_runs_behind_the_api(scenario_endpoint):
    kinesis = boto3.client("kinesis", endpoint_url=scenario_endpoint, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    summary = kinesis.describe_stream_summary(StreamName="clickstream")["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 4
    iterator = kinesis.get_shard_iterator(StreamName="clickstream", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    time.sleep(1.0)
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert records, "the scenario's producer writes while the server runs"
    assert b'"event_id":"web-frontend-' in records[0]["Data"]
    consumers = kinesis.list_stream_consumers(StreamARN=summary["StreamARN"])["Consumers"]
    assert [c["ConsumerName"] for c in consumers] == ["efo-dashboard"]


def test_a_bad_scenario_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x"}')
    import subprocess
    from conftest import _binary
    done = subprocess.run([_binary(), "serve", "--port", "0", "--tls-port", "0", "--scenario", str(bad)], capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert "missing field" in done.stderr and "bad.json" in done.stderr
