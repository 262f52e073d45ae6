"""Starts `kinescope serve` for the real-client tests and hands its address to them."""

import os
import subprocess
import time

import boto3
import pytest


def _binary():
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(os.path.dirname(__file__), "..", "..", "target")
    path = os.environ.get("KINESCOPE_BIN") or os.path.join(target, "debug", "kinescope")
    if not os.path.exists(path):
        pytest.exit(f"kinescope binary not found at {path}; run `cargo build -p kinescope` first", 2)
    return path


def start_server(*extra):
    """Starts `kinescope serve` on free ports; returns the process and its http:// address."""
    process = subprocess.Popen(
        [_binary(), "serve", "--port", "0", "--tls-port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    first_line = process.stdout.readline().strip()
    assert first_line.startswith("listening on http://"), first_line
    return process, first_line.removeprefix("listening on ")


@pytest.fixture(scope="session")
def endpoint():
    """A running server on a free port; yields its http:// address."""
    process, address = start_server()
    yield address
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def client_env(endpoint):
    """Environment for running the AWS CLI against the server, as the README tells a user."""
    env = dict(os.environ)
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_PAGER="",
    )
    return env


@pytest.fixture(scope="session")
def kinesis(endpoint):
    return boto3.client(
        "kinesis",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.fixture(scope="session")
def fast_kinesis():
    """A client of a second server whose virtual clock runs at 20x wall time, for tests that wait
    through reshards (a split keeps a stream UPDATING for 5 virtual seconds)."""
    process, address = start_server("--speed", "20")
    yield boto3.client(
        "kinesis",
        endpoint_url=address,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    process.terminate()
    process.wait(timeout=10)


def wait_active(kinesis, name):
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})


@pytest.fixture
def stream(kinesis, request):
    """A fresh ACTIVE 2-shard stream named after the test."""
    name = request.node.name.replace("[", "-").replace("]", "")[:100]
    kinesis.create_stream(StreamName=name, ShardCount=2)
    wait_active(kinesis, name)
    yield name
    try:
        kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    except kinesis.exceptions.ResourceNotFoundException:
        pass


def until(predicate, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")
