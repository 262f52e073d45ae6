"""boto3 against `kinescope serve`: a full Kinesis Data Streams lifecycle as a user's code runs it."""

import datetime
import time

import pytest
from botocore.exceptions import ClientError

from conftest import until, wait_active


def shard_ids(kinesis, name, **filters):
    return [s["ShardId"] for s in kinesis.list_shards(StreamName=name, **filters)["Shards"]]


def test_create_wait_describe_and_delete(kinesis):
    kinesis.create_stream(StreamName="lifecycle", ShardCount=3)
    assert kinesis.describe_stream_summary(StreamName="lifecycle")["StreamDescriptionSummary"]["StreamStatus"] == "CREATING"
    wait_active(kinesis, "lifecycle")
    description = kinesis.describe_stream(StreamName="lifecycle")["StreamDescription"]
    assert description["StreamARN"] == "arn:aws:kinesis:us-east-1:000000000000:stream/lifecycle"
    assert [s["ShardId"] for s in description["Shards"]] == ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]
    assert isinstance(description["StreamCreationTimestamp"], datetime.datetime)
    assert "lifecycle" in kinesis.list_streams()["StreamNames"]
    kinesis.delete_stream(StreamName="lifecycle")
    kinesis.get_waiter("stream_not_exists").wait(StreamName="lifecycle", WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})


def test_errors_are_aws_errors(kinesis):
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as error:
        kinesis.describe_stream(StreamName="no-such-stream")
    assert error.value.response["Error"]["Message"] == "Stream no-such-stream under account 000000000000 not found."
    with pytest.raises(ClientError) as error:
        kinesis.create_stream(StreamName="bad name", ShardCount=1)
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_put_and_read_with_all_five_iterator_types(kinesis, stream):
    first = kinesis.put_record(StreamName=stream, PartitionKey="a", Data=b"one")
    time.sleep(0.05)
    middle = time.time()
    time.sleep(0.05)
    second = kinesis.put_record(StreamName=stream, PartitionKey="a", Data=b"two")
    shard = first["ShardId"]
    assert second["ShardId"] == shard
    assert int(second["SequenceNumber"]) > int(first["SequenceNumber"])

    def first_data(**position):
        iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard, **position)["ShardIterator"]
        records = kinesis.get_records(ShardIterator=iterator)["Records"]
        return records[0]["Data"] if records else None

    assert first_data(ShardIteratorType="TRIM_HORIZON") == b"one"
    assert first_data(ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=second["SequenceNumber"]) == b"two"
    assert first_data(ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=first["SequenceNumber"]) == b"two"
    assert first_data(ShardIteratorType="AT_TIMESTAMP", Timestamp=datetime.datetime.fromtimestamp(middle, datetime.timezone.utc)) == b"two"
    latest = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    kinesis.put_record(StreamName=stream, PartitionKey="a", Data=b"three")
    page = kinesis.get_records(ShardIterator=latest)
    assert [r["Data"] for r in page["Records"]] == [b"three"]
    assert page["MillisBehindLatest"] == 0
    assert isinstance(page["Records"][0]["ApproximateArrivalTimestamp"], datetime.datetime)


def test_put_records_partially_throttled(kinesis, stream):
    batch = [{"PartitionKey": "hot", "Data": b"x" * 10} for _ in range(500)]
    failed = sum(kinesis.put_records(StreamName=stream, Records=batch)["FailedRecordCount"] for _ in range(3))
    assert failed > 0, "1,500 records to one shard within a second must exceed 1,000 records/s"
    out = kinesis.put_records(StreamName=stream, Records=batch)
    refused = [r for r in out["Records"] if "ErrorCode" in r]
    assert refused and refused[0]["ErrorCode"] == "ProvisionedThroughputExceededException"
    assert refused[0]["ErrorMessage"].startswith("Rate exceeded for shard shardId-")
    assert len(out["Records"]) == 500


def test_split_merge_update_shard_count_and_list_shards_filters(fast_kinesis):
    kinesis, stream = fast_kinesis, "reshard"
    kinesis.create_stream(StreamName=stream, ShardCount=2)
    wait_active(kinesis, stream)
    ranges = {s["ShardId"]: s["HashKeyRange"] for s in kinesis.list_shards(StreamName=stream)["Shards"]}
    start, end = int(ranges["shardId-000000000000"]["StartingHashKey"]), int(ranges["shardId-000000000000"]["EndingHashKey"])
    kinesis.split_shard(StreamName=stream, ShardToSplit="shardId-000000000000", NewStartingHashKey=str((start + end) // 2))
    wait_active(kinesis, stream)
    assert shard_ids(kinesis, stream, ShardFilter={"Type": "AT_LATEST"}) == ["shardId-000000000001", "shardId-000000000002", "shardId-000000000003"]
    kinesis.merge_shards(StreamName=stream, ShardToMerge="shardId-000000000002", AdjacentShardToMerge="shardId-000000000003")
    wait_active(kinesis, stream)
    open_shards = kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert [s["ShardId"] for s in open_shards] == ["shardId-000000000001", "shardId-000000000004"]
    assert open_shards[1]["ParentShardId"] == "shardId-000000000002"
    assert open_shards[1]["AdjacentParentShardId"] == "shardId-000000000003"
    out = kinesis.update_shard_count(StreamName=stream, TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    assert (out["CurrentShardCount"], out["TargetShardCount"]) == (2, 4)
    wait_active(kinesis, stream)
    assert len(shard_ids(kinesis, stream, ShardFilter={"Type": "AT_LATEST"})) == 4
    assert shard_ids(kinesis, stream, ShardFilter={"Type": "AFTER_SHARD_ID", "ShardId": "shardId-000000000004"})[0] == "shardId-000000000005"
    page = kinesis.list_shards(StreamName=stream, MaxResults=2)
    rest = kinesis.list_shards(NextToken=page["NextToken"])
    assert len(page["Shards"]) + len(rest["Shards"]) >= 6


def test_enhanced_fan_out_subscribe_to_shard(kinesis, stream):
    arn = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamARN"]
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="efo-app")["Consumer"]
    assert consumer["ConsumerARN"].startswith(arn + "/consumer/efo-app:")
    until(lambda: kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])["ConsumerDescription"]["ConsumerStatus"] == "ACTIVE")
    shard = kinesis.put_record(StreamName=stream, PartitionKey="k", Data=b"before")["ShardId"]
    response = kinesis.subscribe_to_shard(ConsumerARN=consumer["ConsumerARN"], ShardId=shard, StartingPosition={"Type": "TRIM_HORIZON"})
    seen = []
    started = time.time()
    for event in response["EventStream"]:
        payload = event["SubscribeToShardEvent"]
        seen.extend(r["Data"] for r in payload["Records"])
        assert "ContinuationSequenceNumber" in payload
        if seen == [b"before"]:
            kinesis.put_record(StreamName=stream, PartitionKey="k", Data=b"pushed")
        if b"pushed" in seen or time.time() - started > 10:
            break
    assert seen == [b"before", b"pushed"]
    listed = kinesis.list_stream_consumers(StreamARN=arn)["Consumers"]
    assert [c["ConsumerName"] for c in listed] == ["efo-app"]
    kinesis.deregister_stream_consumer(ConsumerARN=consumer["ConsumerARN"])


def test_retention_tags_and_encryption(kinesis, stream):
    kinesis.increase_stream_retention_period(StreamName=stream, RetentionPeriodHours=48)
    assert kinesis.describe_stream(StreamName=stream)["StreamDescription"]["RetentionPeriodHours"] == 48
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.decrease_stream_retention_period(StreamName=stream, RetentionPeriodHours=12)
    kinesis.decrease_stream_retention_period(StreamName=stream, RetentionPeriodHours=24)
    kinesis.add_tags_to_stream(StreamName=stream, Tags={"team": "data"})
    assert kinesis.list_tags_for_stream(StreamName=stream)["Tags"] == [{"Key": "team", "Value": "data"}]
    kinesis.start_stream_encryption(StreamName=stream, EncryptionType="KMS", KeyId="alias/aws/kinesis")
    wait_active(kinesis, stream)
    assert kinesis.put_record(StreamName=stream, PartitionKey="k", Data=b"s")["EncryptionType"] == "KMS"


def test_a_second_subscription_after_5_seconds_takes_over_and_the_first_gets_an_exception_frame(kinesis, stream):
    from botocore.exceptions import EventStreamError

    arn = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamARN"]
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="takeover")["Consumer"]["ConsumerARN"]
    until(lambda: kinesis.describe_stream_consumer(ConsumerARN=consumer)["ConsumerDescription"]["ConsumerStatus"] == "ACTIVE")
    first = kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId="shardId-000000000000", StartingPosition={"Type": "LATEST"})
    with pytest.raises(kinesis.exceptions.ResourceInUseException):
        kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId="shardId-000000000000", StartingPosition={"Type": "LATEST"})
    time.sleep(5.2)
    kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId="shardId-000000000000", StartingPosition={"Type": "LATEST"})
    with pytest.raises(EventStreamError) as error:
        for _ in first["EventStream"]:
            pass
    assert error.value.response["Error"]["Code"] == "ResourceInUseException"


def test_10_mib_records_go_through_the_json_api(kinesis):
    # A large-record stream takes records up to 10 MiB (A.4); base64 makes such a request about
    # 14 MB of JSON, which the server must accept for PutRecord and PutRecords alike.
    name = "large-records"
    kinesis.create_stream(StreamName=name, ShardCount=2, MaxRecordSizeInKiB=10240)
    wait_active(kinesis, name)
    ten_mib = bytes(range(256)) * (10 * 1024 * 1024 // 256 - 1)  # 10 MiB minus the key's room
    low, high = "0", str(2**127)
    one = kinesis.put_record(StreamName=name, PartitionKey="k", ExplicitHashKey=low, Data=ten_mib)
    assert one["ShardId"] == "shardId-000000000000"
    batch = kinesis.put_records(StreamName=name, Records=[{"PartitionKey": "k", "ExplicitHashKey": high, "Data": ten_mib}])
    assert batch["FailedRecordCount"] == 0
    for shard in ("shardId-000000000000", "shardId-000000000001"):
        iterator = kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records = kinesis.get_records(ShardIterator=iterator)["Records"]
        assert len(records) == 1 and records[0]["Data"] == ten_mib
    kinesis.delete_stream(StreamName=name)
