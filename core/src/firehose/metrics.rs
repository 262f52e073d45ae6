//! A delivery stream's metrics over time (reference B.11), named as CloudWatch names them in the
//! `AWS/Firehose` namespace, in the same per-second and per-minute series as a stream's. Lambda's
//! outcomes that CloudWatch has no name for (Dropped, ProcessingFailed) are named after the
//! response's results.

use crate::metrics::Series;

/// The metrics kept for each delivery stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FirehoseMetric {
    IncomingRecords,
    IncomingBytes,
    ThrottledRecords,
    DeliveryToS3Records,
    DeliveryToS3Bytes,
    DeliveryToS3ObjectCount,
    /// Age of the oldest record in an object when it is delivered, milliseconds.
    DeliveryToS3DataFreshness,
    /// Records a Lambda function answered Ok.
    SucceedProcessingRecords,
    /// Records a Lambda function answered Dropped.
    ProcessingDroppedRecords,
    /// Records processing failed (the function said so, or could not be called).
    ProcessingFailedRecords,
    /// PutRecord and PutRecordBatch calls taken.
    IncomingPutRequests,
    /// 1 for each object stored, 0 for each failed attempt (its average is the success rate).
    DeliveryToS3Success,
    /// 1 for each Lambda invocation that answered well, 0 for each that failed.
    ExecuteProcessingSuccess,
    /// Records read from the source stream.
    DataReadFromKinesisStreamRecords,
    /// Bytes read from the source stream.
    DataReadFromKinesisStreamBytes,
    /// Records format conversion wrote, and their bytes as they came in.
    SucceedConversionRecords,
    SucceedConversionBytes,
    /// Records format conversion refused, and their bytes.
    FailedConversionRecords,
    FailedConversionBytes,
    /// Records and bytes an HTTP endpoint took.
    DeliveryToHttpEndpointRecords,
    DeliveryToHttpEndpointBytes,
    /// 1 for each request an HTTP endpoint took, 0 for each failed attempt.
    DeliveryToHttpEndpointSuccess,
    /// The same for OpenSearch (documents) and Splunk (events).
    DeliveryToOpenSearchRecords,
    DeliveryToOpenSearchBytes,
    DeliveryToOpenSearchSuccess,
    DeliveryToSplunkRecords,
    DeliveryToSplunkBytes,
    DeliveryToSplunkSuccess,
    /// Source records backed up to S3 (S3BackupMode Enabled), and their bytes.
    BackupToS3Records,
    BackupToS3Bytes,
    /// Records and bytes a COPY loaded into Redshift; 1 for each COPY that succeeded, 0 for
    /// each failed attempt.
    DeliveryToRedshiftRecords,
    DeliveryToRedshiftBytes,
    DeliveryToRedshiftSuccess,
    /// Age of the oldest record of a request when an HTTP destination took it, milliseconds.
    DeliveryToHttpEndpointDataFreshness,
    DeliveryToOpenSearchDataFreshness,
    DeliveryToSplunkDataFreshness,
}

impl FirehoseMetric {
    /// Every metric, in the order the app lists them.
    pub const ALL: [FirehoseMetric; 36] = [
        Self::IncomingRecords,
        Self::IncomingBytes,
        Self::ThrottledRecords,
        Self::DeliveryToS3Records,
        Self::DeliveryToS3Bytes,
        Self::DeliveryToS3ObjectCount,
        Self::DeliveryToS3DataFreshness,
        Self::SucceedProcessingRecords,
        Self::ProcessingDroppedRecords,
        Self::ProcessingFailedRecords,
        Self::IncomingPutRequests,
        Self::DeliveryToS3Success,
        Self::ExecuteProcessingSuccess,
        Self::DataReadFromKinesisStreamRecords,
        Self::DataReadFromKinesisStreamBytes,
        Self::SucceedConversionRecords,
        Self::SucceedConversionBytes,
        Self::FailedConversionRecords,
        Self::FailedConversionBytes,
        Self::DeliveryToHttpEndpointRecords,
        Self::DeliveryToHttpEndpointBytes,
        Self::DeliveryToHttpEndpointSuccess,
        Self::DeliveryToOpenSearchRecords,
        Self::DeliveryToOpenSearchBytes,
        Self::DeliveryToOpenSearchSuccess,
        Self::DeliveryToSplunkRecords,
        Self::DeliveryToSplunkBytes,
        Self::DeliveryToSplunkSuccess,
        Self::BackupToS3Records,
        Self::BackupToS3Bytes,
        Self::DeliveryToRedshiftRecords,
        Self::DeliveryToRedshiftBytes,
        Self::DeliveryToRedshiftSuccess,
        Self::DeliveryToHttpEndpointDataFreshness,
        Self::DeliveryToOpenSearchDataFreshness,
        Self::DeliveryToSplunkDataFreshness,
    ];

    /// The CloudWatch name.
    pub fn cloudwatch_name(self) -> &'static str {
        match self {
            Self::IncomingRecords => "IncomingRecords",
            Self::IncomingBytes => "IncomingBytes",
            Self::ThrottledRecords => "ThrottledRecords",
            Self::DeliveryToS3Records => "DeliveryToS3.Records",
            Self::DeliveryToS3Bytes => "DeliveryToS3.Bytes",
            Self::DeliveryToS3ObjectCount => "DeliveryToS3.ObjectCount",
            Self::DeliveryToS3DataFreshness => "DeliveryToS3.DataFreshness",
            Self::SucceedProcessingRecords => "SucceedProcessing.Records",
            Self::ProcessingDroppedRecords => "Processing.Dropped",
            Self::ProcessingFailedRecords => "Processing.ProcessingFailed",
            Self::IncomingPutRequests => "IncomingPutRequests",
            Self::DeliveryToS3Success => "DeliveryToS3.Success",
            Self::ExecuteProcessingSuccess => "ExecuteProcessing.Success",
            Self::DataReadFromKinesisStreamRecords => "DataReadFromKinesisStream.Records",
            Self::DataReadFromKinesisStreamBytes => "DataReadFromKinesisStream.Bytes",
            Self::SucceedConversionRecords => "SucceedConversion.Records",
            Self::SucceedConversionBytes => "SucceedConversion.Bytes",
            Self::FailedConversionRecords => "FailedConversion.Records",
            Self::FailedConversionBytes => "FailedConversion.Bytes",
            Self::DeliveryToHttpEndpointRecords => "DeliveryToHttpEndpoint.Records",
            Self::DeliveryToHttpEndpointBytes => "DeliveryToHttpEndpoint.Bytes",
            Self::DeliveryToHttpEndpointSuccess => "DeliveryToHttpEndpoint.Success",
            Self::DeliveryToOpenSearchRecords => "DeliveryToAmazonOpenSearchService.Records",
            Self::DeliveryToOpenSearchBytes => "DeliveryToAmazonOpenSearchService.Bytes",
            Self::DeliveryToOpenSearchSuccess => "DeliveryToAmazonOpenSearchService.Success",
            Self::DeliveryToSplunkRecords => "DeliveryToSplunk.Records",
            Self::DeliveryToSplunkBytes => "DeliveryToSplunk.Bytes",
            Self::DeliveryToSplunkSuccess => "DeliveryToSplunk.Success",
            Self::BackupToS3Records => "BackupToS3.Records",
            Self::BackupToS3Bytes => "BackupToS3.Bytes",
            Self::DeliveryToRedshiftRecords => "DeliveryToRedshift.Records",
            Self::DeliveryToRedshiftBytes => "DeliveryToRedshift.Bytes",
            Self::DeliveryToRedshiftSuccess => "DeliveryToRedshift.Success",
            Self::DeliveryToHttpEndpointDataFreshness => "DeliveryToHttpEndpoint.DataFreshness",
            Self::DeliveryToOpenSearchDataFreshness => {
                "DeliveryToAmazonOpenSearchService.DataFreshness"
            }
            Self::DeliveryToSplunkDataFreshness => "DeliveryToSplunk.DataFreshness",
        }
    }
}

/// One delivery stream's series.
#[derive(Debug, Clone)]
pub struct FirehoseMetrics {
    series: [Series; FirehoseMetric::ALL.len()],
}

impl Default for FirehoseMetrics {
    fn default() -> Self {
        Self {
            series: std::array::from_fn(|_| Series::default()),
        }
    }
}

impl PartialEq for FirehoseMetrics {
    // Metrics are what happened, not state a delivery stream is compared by.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl FirehoseMetrics {
    /// Adds a sample of `metric` at `now_ms`.
    pub fn record(&mut self, metric: FirehoseMetric, now_ms: i64, value: f64) {
        self.series[metric as usize].record(now_ms, value);
    }

    /// The series of `metric`.
    pub fn series(&self, metric: FirehoseMetric) -> &Series {
        &self.series[metric as usize]
    }
}
