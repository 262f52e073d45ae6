"""Format conversion with real clients: a Glue table made with boto3 and the AWS CLI, a delivery
stream converting JSON to Parquet and ORC, the objects read back by pyarrow, and the records that
did not fit read from the error prefix."""

import base64
import io
import json
import os
import subprocess
import time

import boto3
import pyarrow.orc as orc
import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError

from conftest import start_server
from test_firehose import ROLE, create, firehose_client, objects

COLUMNS = [
    {"Name": "id", "Type": "int"},
    {"Name": "customer", "Type": "string"},
    {"Name": "amount", "Type": "decimal(10,2)"},
    {"Name": "at", "Type": "timestamp"},
    {"Name": "tags", "Type": "array<string>"},
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server with its own data directory; yields (firehose, glue, data directory, address)."""
    data_dir = tmp_path_factory.mktemp("conversion-data")
    process, address = start_server("--data-dir", str(data_dir))
    glue = boto3.client("glue", endpoint_url=address, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")
    yield firehose_client(address), glue, data_dir, address
    process.terminate()
    process.wait(timeout=10)


def table(glue, name, columns):
    glue.create_table(DatabaseName="sales", TableInput={
        "Name": name, "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {"Columns": columns, "Location": "s3://converted/"}})


def conversion(table_name, serializer, deserializer=None):
    return {
        "Enabled": True,
        "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": "sales", "TableName": table_name},
        "InputFormatConfiguration": {"Deserializer": deserializer or {"OpenXJsonSerDe": {}}},
        "OutputFormatConfiguration": {"Serializer": serializer},
    }


def delivered(data_dir, bucket, extension):
    return [f for f in objects(data_dir, bucket) if f.endswith(extension)]


def test_glue_catalog_with_boto3(served):
    _, glue, _, _ = served
    glue.create_database(DatabaseInput={"Name": "Sales", "Description": "orders"})
    with pytest.raises(ClientError) as error:
        glue.create_database(DatabaseInput={"Name": "sales"})
    assert error.value.response["Error"]["Code"] == "AlreadyExistsException"
    assert glue.get_database(Name="sales")["Database"]["Description"] == "orders"
    assert "sales" in [d["Name"] for d in glue.get_databases()["DatabaseList"]]
    table(glue, "orders", COLUMNS)
    got = glue.get_table(DatabaseName="sales", Name="orders")["Table"]
    assert got["StorageDescriptor"]["Columns"] == COLUMNS
    assert got["DatabaseName"] == "sales" and got["VersionId"] == "0"
    glue.update_table(DatabaseName="sales", TableInput={
        "Name": "orders", "StorageDescriptor": {"Columns": COLUMNS, "Location": "s3://converted/v2/"}})
    got = glue.get_table(DatabaseName="sales", Name="orders")["Table"]
    assert got["VersionId"] == "1"
    assert got["StorageDescriptor"]["Location"] == "s3://converted/v2/"
    with pytest.raises(ClientError) as error:
        glue.get_table(DatabaseName="sales", Name="missing")
    assert error.value.response["Error"]["Code"] == "EntityNotFoundException"
    assert error.value.response["Error"]["Message"] == "Table missing not found."
    with pytest.raises(ClientError) as error:
        glue.get_tables(DatabaseName="nowhere")
    assert error.value.response["Error"]["Message"] == "Database nowhere not found."


def test_the_cli_drives_glue(served):
    _, _, _, address = served
    env = dict(os.environ, AWS_ENDPOINT_URL=address, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")

    def aws(*args):
        done = subprocess.run(["aws", "glue", *args, "--output", "json"], env=env, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    aws("create-database", "--database-input", '{"Name": "cli_db"}')
    aws("create-table", "--database-name", "cli_db", "--table-input",
        '{"Name": "events", "StorageDescriptor": {"Columns": [{"Name": "n", "Type": "int"}]}}')
    tables = aws("get-tables", "--database-name", "cli_db")["TableList"]
    assert [t["Name"] for t in tables] == ["events"]
    aws("delete-table", "--database-name", "cli_db", "--name", "events")
    assert aws("get-tables", "--database-name", "cli_db")["TableList"] == []
    aws("delete-database", "--name", "cli_db")


def put_orders(client, name):
    records = [
        b'{"id": 1, "customer": "ana", "amount": 12.5, "at": 1767225600, "tags": ["new"]}',
        b'{"ID": "2", "Customer": "bo", "amount": "3.999"}{"id": 3}',
        b"not json",
        b'{"id": "four"}',
    ]
    answer = client.put_record_batch(DeliveryStreamName=name, Records=[{"Data": r} for r in records])
    assert answer["FailedPutCount"] == 0


def test_json_to_parquet_read_back_by_pyarrow(served):
    client, glue, data_dir, _ = served
    if "orders" not in [t["Name"] for t in glue.get_tables(DatabaseName="sales")["TableList"]]:
        glue.create_database(DatabaseInput={"Name": "sales"})
        table(glue, "orders", COLUMNS)
    description = create(client, "to-parquet", "parquet-bucket", Prefix="orders/",
                         ErrorOutputPrefix="errors/!{firehose:error-output-type}/",
                         BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 0},
                         DataFormatConversionConfiguration=conversion("orders", {"ParquetSerDe": {}}))
    s3 = description["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert s3["DataFormatConversionConfiguration"]["OutputFormatConfiguration"]["Serializer"] == {"ParquetSerDe": {}}
    put_orders(client, "to-parquet")
    [path] = delivered(data_dir, "parquet-bucket", ".parquet")
    parquet = pq.read_table(path)
    assert parquet.column_names == ["id", "customer", "amount", "at", "tags"]
    rows = parquet.to_pylist()
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert str(rows[0]["amount"]) == "12.50" and str(rows[1]["amount"]) == "4.00"
    assert rows[0]["at"].isoformat() == "2026-01-01T00:00:00"
    assert rows[0]["tags"] == ["new"] and rows[2]["customer"] is None
    errors = [f for f in objects(data_dir, "parquet-bucket") if "format-conversion-failed" in f and os.path.isfile(f)]
    documents = [json.loads(line) for f in errors for line in open(f)]
    assert [d["ErrorCode"] for d in documents] == ["DataFormatConversion.ParseError",
                                                   "DataFormatConversion.MalformedData"]
    assert base64.b64decode(documents[0]["rawData"]) == b"not json"
    assert documents[0]["dataCatalogTable"]["tableName"] == "orders"


def test_json_to_orc_read_back_by_pyarrow(served):
    client, glue, data_dir, _ = served
    try:
        glue.create_database(DatabaseInput={"Name": "sales"})
    except ClientError:
        pass
    table(glue, "flat_orders", COLUMNS[:2] + [{"Name": "at", "Type": "timestamp"}])
    create(client, "to-orc", "orc-bucket", Prefix="orders/",
           ErrorOutputPrefix="errors/!{firehose:error-output-type}/",
           BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 0},
           DataFormatConversionConfiguration=conversion("flat_orders", {"OrcSerDe": {"Compression": "ZLIB"}}))
    put_orders(client, "to-orc")
    [path] = delivered(data_dir, "orc-bucket", ".orc")
    rows = orc.ORCFile(path).read().to_pylist()
    assert [(r["id"], r["customer"]) for r in rows] == [(1, "ana"), (2, "bo"), (3, None)]


def test_conversion_rules_are_aws_errors(served):
    client, _, _, _ = served
    with pytest.raises(ClientError) as error:
        create(client, "bad-conversion", "bad-bucket", CompressionFormat="GZIP",
               BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 60},
               DataFormatConversionConfiguration=conversion("orders", {"ParquetSerDe": {}}))
    assert error.value.response["Error"]["Code"] == "InvalidArgumentException"
    with pytest.raises(ClientError) as error:
        create(client, "bad-conversion", "bad-bucket",
               DataFormatConversionConfiguration=conversion("orders", {"ParquetSerDe": {}}))
    assert "at least 64" in error.value.response["Error"]["Message"]
