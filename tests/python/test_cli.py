"""The AWS CLI against `kinescope serve`, each call its own `aws` process, as the README tells a user."""

import json
import subprocess
import time


def aws(env, *args):
    done = subprocess.run(["aws", "kinesis", *args, "--output", "json"], env=env, capture_output=True, text=True, timeout=60)
    return done


def ok(env, *args):
    done = aws(env, *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_cli_lifecycle(client_env):
    ok(client_env, "create-stream", "--stream-name", "cli-stream", "--shard-count", "2")
    time.sleep(1)  # the CLI waiter polls every 10 s; the stream is ACTIVE after 500 ms
    assert aws(client_env, "wait", "stream-exists", "--stream-name", "cli-stream").returncode == 0
    put = ok(client_env, "put-record", "--stream-name", "cli-stream", "--partition-key", "k", "--data", "aGVsbG8=")
    assert put["ShardId"].startswith("shardId-")
    iterator = ok(client_env, "get-shard-iterator", "--stream-name", "cli-stream", "--shard-id", put["ShardId"], "--shard-iterator-type", "TRIM_HORIZON")["ShardIterator"]
    records = ok(client_env, "get-records", "--shard-iterator", iterator)["Records"]
    assert len(records) == 1 and records[0]["PartitionKey"] == "k"
    shards = ok(client_env, "list-shards", "--stream-name", "cli-stream")["Shards"]
    assert len(shards) == 2
    missing = aws(client_env, "describe-stream", "--stream-name", "nope")
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr and "Stream nope under account 000000000000 not found." in missing.stderr
    ok(client_env, "delete-stream", "--stream-name", "cli-stream")
