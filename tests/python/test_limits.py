"""The account's quotas and the control plane's rate limits, as the AWS CLI and boto3 meet them
against `kinescope serve --region … --shard-limit …`."""

import json
import os
import subprocess

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import start_server


@pytest.fixture(scope="module")
def small_account():
    process, address = start_server("--region", "ap-south-1", "--shard-limit", "7")
    yield address
    process.terminate()
    process.wait(timeout=10)


def cli(endpoint, *args):
    env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="ap-south-1", AWS_PAGER="")
    return subprocess.run(["aws", "kinesis", *args, "--output", "json"], env=env, capture_output=True, text=True, timeout=60)


def test_the_cli_sees_the_region_and_the_shard_quota(small_account):
    limits = cli(small_account, "describe-limits")
    assert limits.returncode == 0, limits.stderr
    assert json.loads(limits.stdout)["ShardLimit"] == 7
    refused = cli(small_account, "create-stream", "--stream-name", "too-big", "--shard-count", "8")
    assert refused.returncode != 0
    assert "LimitExceededException" in refused.stderr
    assert "This request would exceed the shard limit for the account 000000000000 in ap-south-1." in refused.stderr


def test_a_second_describe_limits_within_a_second_is_rate_limited(small_account):
    # No retries, so the client sees what the service answered.
    kinesis = boto3.client("kinesis", endpoint_url=small_account, region_name="ap-south-1", aws_access_key_id="test",
                           aws_secret_access_key="test", config=Config(retries={"mode": "standard", "max_attempts": 1}))
    with pytest.raises(ClientError) as error:
        for _ in range(3):
            kinesis.describe_limits()
    assert error.value.response["Error"]["Code"] == "LimitExceededException"
    assert error.value.response["Error"]["Message"] == "Rate exceeded for account 000000000000."
