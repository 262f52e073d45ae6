"""`kinescope serve --auth KEY:SECRET` verifies SigV4 signatures made by boto3 and the AWS CLI."""

import os
import subprocess

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import start_server


@pytest.fixture(scope="module")
def verifying_endpoint():
    process, address = start_server("--auth", "AKIDKINESCOPE:s3cr3t/key+value")
    yield address
    process.terminate()
    process.wait(timeout=10)


def client(endpoint, key, secret):
    return boto3.client("kinesis", endpoint_url=endpoint, region_name="eu-west-1", aws_access_key_id=key, aws_secret_access_key=secret)


def test_correct_signatures_are_accepted(verifying_endpoint):
    kinesis = client(verifying_endpoint, "AKIDKINESCOPE", "s3cr3t/key+value")
    kinesis.create_stream(StreamName="signed", ShardCount=1)
    assert "signed" in kinesis.list_streams()["StreamNames"]


def test_a_wrong_secret_is_an_invalid_signature(verifying_endpoint):
    with pytest.raises(ClientError) as error:
        client(verifying_endpoint, "AKIDKINESCOPE", "wrong").list_streams()
    assert error.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_an_unknown_key_is_unrecognized(verifying_endpoint):
    with pytest.raises(ClientError) as error:
        client(verifying_endpoint, "AKIDSOMEONEELSE", "s3cr3t/key+value").list_streams()
    assert error.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_the_cli_signs_correctly(verifying_endpoint):
    env = dict(os.environ, AWS_ENDPOINT_URL=verifying_endpoint, AWS_ACCESS_KEY_ID="AKIDKINESCOPE", AWS_SECRET_ACCESS_KEY="s3cr3t/key+value", AWS_DEFAULT_REGION="us-east-1")
    done = subprocess.run(["aws", "kinesis", "describe-limits"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
