"""The Redshift destination with boto3 and the AWS CLI against `kinescope serve`, loading into a
throwaway PostgreSQL cluster (standing for Redshift) started here on a free port and read back with
psql."""

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile

import pytest

from conftest import start_server, until
from test_firehose import ROLE, firehose_client

USER = "loader"
PASSWORD = "loader-secret"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_binaries():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    assert found, "PostgreSQL's server is not installed: `make test` installs the postgresql package"
    return os.path.dirname(found[-1])


class Cluster:
    def __init__(self, port):
        self.port = port

    def jdbc_url(self):
        return f"jdbc:redshift://127.0.0.1:{self.port}/dev"

    def sql(self, statement, database="dev"):
        done = subprocess.run(
            [os.path.join(server_binaries(), "psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1",
             f"host=127.0.0.1 port={self.port} user={USER} dbname={database}", "-c", statement],
            env=dict(os.environ, PGPASSWORD=PASSWORD), capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()


@pytest.fixture
def cluster():
    """A cluster in a temporary directory; as root it runs as the `postgres` user (PostgreSQL
    refuses root)."""
    directory = tempfile.mkdtemp(prefix="kinescope-pg-")
    with open(os.path.join(directory, "password"), "w") as f:
        f.write(PASSWORD)
    as_postgres = os.geteuid() == 0
    if as_postgres:
        subprocess.run(["chown", "-R", "postgres:", directory], check=True)

    def run(*args):
        command = [os.path.join(server_binaries(), args[0]), *args[1:]]
        if as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, cwd=directory, capture_output=True, timeout=120)

    data = os.path.join(directory, "data")
    port = free_port()
    run("initdb", "-D", data, "-U", USER, f"--pwfile={directory}/password", "--auth=scram-sha-256",
        "--encoding=UTF8", "--locale=C", "--no-sync")
    run("pg_ctl", "-D", data, "-l", os.path.join(directory, "log"), "-w", "-t", "60", "-o",
        f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    cluster = Cluster(port)
    cluster.sql("CREATE DATABASE dev", database="postgres")
    yield cluster
    run("pg_ctl", "-D", data, "-m", "immediate", "stop")
    shutil.rmtree(directory, ignore_errors=True)


def redshift_configuration(cluster, table, **extra):
    config = {
        "RoleARN": ROLE,
        "ClusterJDBCURL": cluster.jdbc_url(),
        "CopyCommand": {"DataTableName": table, "CopyOptions": "JSON 'auto' GZIP"},
        "Username": USER,
        "Password": PASSWORD,
        "S3Configuration": {"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::staging", "Prefix": "loads/",
                            "CompressionFormat": "GZIP",
                            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}},
    }
    config.update(extra)
    return config


def test_boto3_records_land_in_the_table(tmp_path, cluster):
    cluster.sql("CREATE TABLE orders (id int, item varchar(32), qty int)")
    process, address = start_server("--data-dir", str(tmp_path))
    try:
        client = firehose_client(address)
        client.create_delivery_stream(DeliveryStreamName="orders-to-redshift",
                                      RedshiftDestinationConfiguration=redshift_configuration(cluster, "orders"))
        until(lambda: client.describe_delivery_stream(DeliveryStreamName="orders-to-redshift")[
            "DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")
        records = [{"Data": json.dumps({"id": i, "item": f"item-{i}", "qty": i * 2}).encode()} for i in range(1, 4)]
        answer = client.put_record_batch(DeliveryStreamName="orders-to-redshift", Records=records)
        assert answer["FailedPutCount"] == 0
        until(lambda: cluster.sql("SELECT count(*) FROM orders") == "3", timeout=30)
        assert cluster.sql("SELECT id, item, qty FROM orders ORDER BY id").splitlines() == [
            "1|item-1|2", "2|item-2|4", "3|item-3|6"]
        description = client.describe_delivery_stream(DeliveryStreamName="orders-to-redshift")[
            "DeliveryStreamDescription"]["Destinations"][0]["RedshiftDestinationDescription"]
        assert description["ClusterJDBCURL"] == cluster.jdbc_url()
        assert description["CopyCommand"] == {"DataTableName": "orders", "CopyOptions": "JSON 'auto' GZIP"}
        assert description["Username"] == USER
        assert "Password" not in description
        assert description["S3DestinationDescription"]["Prefix"] == "loads/"
        staged = glob.glob(os.path.join(tmp_path, "s3", "staging", "loads", "manifests", "**", "*"), recursive=True)
        assert [f for f in staged if os.path.isfile(f)], "a manifest per COPY"
    finally:
        process.terminate()
        process.wait(timeout=40)


def test_the_cli_creates_a_redshift_stream_and_loads_csv(tmp_path, cluster):
    cluster.sql("CREATE TABLE visits (page text, seconds int)")
    process, address = start_server("--data-dir", str(tmp_path))
    env = dict(os.environ, AWS_ENDPOINT_URL=address, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")

    def aws(*args):
        done = subprocess.run(["aws", "firehose", *args, "--output", "json"], env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    try:
        config = redshift_configuration(cluster, "visits",
                                        CopyCommand={"DataTableName": "visits", "DataTableColumns": "page,seconds",
                                                     "CopyOptions": "CSV GZIP"})
        aws("create-delivery-stream", "--delivery-stream-name", "visits",
            "--redshift-destination-configuration", json.dumps(config))
        until(lambda: aws("describe-delivery-stream", "--delivery-stream-name", "visits")[
            "DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")
        aws("put-record", "--delivery-stream-name", "visits", "--record", json.dumps({"Data": '"/home",12\n'}))
        until(lambda: cluster.sql("SELECT count(*) FROM visits") == "1", timeout=30)
        assert cluster.sql("SELECT page, seconds FROM visits") == "/home|12"
    finally:
        process.terminate()
        process.wait(timeout=40)
