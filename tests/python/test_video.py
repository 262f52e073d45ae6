"""Kinesis Video Streams' control plane with boto3 and the AWS CLI against `kinescope serve`:
streams created, described, listed, updated, tagged and deleted, the data endpoint, and AWS's
errors (REST-JSON, `x-amzn-ErrorType`)."""

import base64
import datetime
import json
import os
import subprocess
import time
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import start_server, until


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    process, address = start_server("--data-dir", str(tmp_path_factory.mktemp("video-data")))
    yield address
    process.terminate()
    process.wait(timeout=10)


def video_client(address):
    return boto3.client("kinesisvideo", endpoint_url=address, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_boto3_manages_video_streams(served):
    kv = video_client(served)
    arn = kv.create_stream(StreamName="porch", MediaType="video/h264", DataRetentionInHours=24,
                           Tags={"team": "video"})["StreamARN"]
    assert arn.startswith("arn:aws:kinesisvideo:us-east-1:000000000000:stream/porch/")
    info = until(lambda: (lambda i: i if i["Status"] == "ACTIVE" else None)(
        kv.describe_stream(StreamName="porch")["StreamInfo"]))
    assert info["DataRetentionInHours"] == 24
    assert info["MediaType"] == "video/h264"
    assert [s["StreamName"] for s in kv.list_streams()["StreamInfoList"]] == ["porch"]
    endpoint = kv.get_data_endpoint(StreamARN=arn, APIName="GET_HLS_STREAMING_SESSION_URL")["DataEndpoint"]
    assert endpoint == served
    archived = boto3.client("kinesis-video-archived-media", endpoint_url=endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")
    listed = archived.list_fragments(StreamName="porch", FragmentSelector={
        "FragmentSelectorType": "SERVER_TIMESTAMP",
        "TimestampRange": {"StartTimestamp": 0, "EndTimestamp": 4102444800}})
    assert listed["Fragments"] == []
    kv.update_data_retention(StreamName="porch", CurrentVersion=info["Version"],
                             Operation="INCREASE_DATA_RETENTION", DataRetentionChangeInHours=24)
    assert kv.describe_stream(StreamARN=arn)["StreamInfo"]["DataRetentionInHours"] == 48
    kv.tag_resource(ResourceARN=arn, Tags=[{"Key": "site", "Value": "porch"}])
    assert kv.list_tags_for_stream(StreamName="porch")["Tags"] == {"team": "video", "site": "porch"}
    with pytest.raises(ClientError) as stale:
        kv.update_stream(StreamName="porch", CurrentVersion="stale", DeviceName="cam")
    assert stale.value.response["Error"]["Code"] == "VersionMismatchException"
    with pytest.raises(kv.exceptions.ResourceNotFoundException) as missing:
        kv.describe_stream(StreamName="nowhere")
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert missing.value.response["Error"]["Message"] == "The requested stream is not found or not active."
    kv.delete_stream(StreamARN=arn)
    until(lambda: kv.list_streams()["StreamInfoList"] == [])


def test_the_cli_drives_the_control_plane(served):
    env = dict(os.environ, AWS_ENDPOINT_URL=served, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")

    def aws(*args, ok=True):
        done = subprocess.run(["aws", "kinesisvideo", *args, "--output", "json"], env=env, capture_output=True,
                              text=True, timeout=60)
        assert (done.returncode == 0) == ok, done.stderr
        return json.loads(done.stdout) if ok and done.stdout.strip() else done.stderr

    arn = aws("create-stream", "--stream-name", "cli-cam", "--data-retention-in-hours", "1")["StreamARN"]
    until(lambda: aws("describe-stream", "--stream-name", "cli-cam")["StreamInfo"]["Status"] == "ACTIVE")
    assert aws("get-data-endpoint", "--stream-arn", arn, "--api-name", "GET_MEDIA")["DataEndpoint"] == served
    refused = aws("create-stream", "--stream-name", "cli-cam", ok=False)
    assert "ResourceInUseException" in refused


def sample_in(served, stream, retention_hours):
    """A new video stream with the project's sample clip sent into it by `kinescope video put`;
    the acknowledgements."""
    kv = video_client(served)
    kv.create_stream(StreamName=stream, DataRetentionInHours=retention_hours)
    until(lambda: kv.describe_stream(StreamName=stream)["StreamInfo"]["Status"] == "ACTIVE")
    clip = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "assets", "video", "sample.mkv")
    sent = subprocess.run([os.environ["KINESCOPE_BIN"], "video", "put", "--stream", stream, clip,
                           "--endpoint", served], capture_output=True, text=True, timeout=60)
    assert sent.returncode == 0, sent.stderr
    return [json.loads(line) for line in sent.stdout.splitlines()]


def test_archived_media_of_the_sample_clip_with_boto3(served):
    """The project's sample clip sent with `kinescope video put`, then read back with boto3:
    ListFragments, GetImages (JPEG and PNG) and GetMedia."""
    kv = video_client(served)
    acks = sample_in(served, "sample", 1)
    assert [a["EventType"] for a in acks].count("PERSISTED") == 5
    endpoint = kv.get_data_endpoint(StreamName="sample", APIName="GET_IMAGES")["DataEndpoint"]
    archived = boto3.client("kinesis-video-archived-media", endpoint_url=endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")
    fragments = archived.list_fragments(StreamName="sample")["Fragments"]
    assert len(fragments) == 5
    # A second in: clients may send whole seconds, and a time before the first fragment is NO_MEDIA.
    start = min(f["ProducerTimestamp"] for f in fragments) + datetime.timedelta(seconds=1)
    images = archived.get_images(StreamName="sample", ImageSelectorType="PRODUCER_TIMESTAMP",
                                 StartTimestamp=start, EndTimestamp=start + datetime.timedelta(seconds=4),
                                 SamplingInterval=2000, Format="JPEG", HeightPixels=180)["Images"]
    assert len(images) == 3
    jpeg = base64.b64decode(images[1]["ImageContent"])
    assert jpeg[:2] == b"\xff\xd8"
    png = archived.get_images(StreamName="sample", ImageSelectorType="PRODUCER_TIMESTAMP",
                              StartTimestamp=start, EndTimestamp=start, Format="PNG")["Images"][0]
    assert base64.b64decode(png["ImageContent"])[:8] == b"\x89PNG\r\n\x1a\n"
    clip = archived.get_clip(StreamName="sample", ClipFragmentSelector={
        "FragmentSelectorType": "PRODUCER_TIMESTAMP",
        "TimestampRange": {"StartTimestamp": start - datetime.timedelta(seconds=2),
                           "EndTimestamp": start + datetime.timedelta(seconds=10)}})
    assert clip["ContentType"] == "video/mp4"
    mp4 = clip["Payload"].read()
    assert mp4[4:8] == b"ftyp"
    clip_file = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"kinescope-boto3-clip-{os.getpid()}.mp4")
    with open(clip_file, "wb") as f:
        f.write(mp4)
    probed = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                             "stream=codec_name,nb_read_frames", "-of", "csv=p=0", clip_file],
                            capture_output=True, text=True, timeout=60)
    os.remove(clip_file)
    assert probed.stdout.strip() == "h264,150"
    media_endpoint = kv.get_data_endpoint(StreamName="sample", APIName="GET_MEDIA")["DataEndpoint"]
    media = boto3.client("kinesis-video-media", endpoint_url=media_endpoint, region_name="us-east-1",
                         aws_access_key_id="test", aws_secret_access_key="test")
    payload = media.get_media(StreamName="sample", StartSelector={"StartSelectorType": "EARLIEST"})["Payload"].read()
    assert payload.startswith(b"\x1a\x45\xdf\xa3")
    assert payload.count(b"AWS_KINESISVIDEO_CONTINUATION_TOKEN") == 5


def probe_url(url):
    """What ffprobe (a standard player's demuxers) reads from a playback URL: codec and frames."""
    probed = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                             "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", url],
                            capture_output=True, text=True, timeout=60)
    return probed.stdout.strip().splitlines()[0] if probed.stdout.strip() else probed.stderr


def test_hls_and_dash_sessions_play_in_ffprobe(served):
    """The sample clip through PutMedia, then a LIVE HLS session right away, and ON_DEMAND HLS
    (fMP4 and MPEG-TS) and DASH sessions from the AWS CLI, each URL opened by ffprobe."""
    kv = video_client(served)
    sample_in(served, "playback", 24)
    endpoint = kv.get_data_endpoint(StreamName="playback", APIName="GET_HLS_STREAMING_SESSION_URL")["DataEndpoint"]
    archived = boto3.client("kinesis-video-archived-media", endpoint_url=endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")
    live = archived.get_hls_streaming_session_url(StreamName="playback")["HLSStreamingSessionURL"]
    assert live.startswith(endpoint + "/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=")
    master = urllib.request.urlopen(live, timeout=10).read().decode()
    assert "CODECS=\"avc1." in master and "RESOLUTION=640x360" in master
    media_url = live.rsplit("/", 1)[0] + "/" + master.strip().splitlines()[-1]
    playlist = urllib.request.urlopen(media_url, timeout=10).read().decode()
    assert playlist.count("#EXTINF:2.000,") == 5 and "#EXT-X-ENDLIST" not in playlist

    # The range must end in the past by server time, in the whole seconds the CLI sends.
    time.sleep(2)
    now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
    window = f"FragmentSelectorType=SERVER_TIMESTAMP,TimestampRange={{StartTimestamp={now - 3600},EndTimestamp={now - 1}}}"
    cli = ["aws", "--endpoint-url", endpoint, "--region", "us-east-1",
           "kinesis-video-archived-media"]
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    for container in ["FRAGMENTED_MP4", "MPEG_TS"]:
        url = subprocess.run(cli + ["get-hls-streaming-session-url", "--stream-name", "playback", "--playback-mode",
                                    "ON_DEMAND", "--container-format", container, "--hls-fragment-selector", window,
                                    "--query", "HLSStreamingSessionURL", "--output", "text"],
                             capture_output=True, text=True, timeout=60, env=env)
        assert url.returncode == 0, url.stderr
        assert probe_url(url.stdout.strip()) == "h264,640,360,150", container
    dash = subprocess.run(cli + ["get-dash-streaming-session-url", "--stream-name", "playback", "--playback-mode",
                                 "ON_DEMAND", "--dash-fragment-selector", window,
                                 "--query", "DASHStreamingSessionURL", "--output", "text"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert dash.returncode == 0, dash.stderr
    assert probe_url(dash.stdout.strip()) == "h264,640,360,150"
