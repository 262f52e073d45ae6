//! CloudWatch-named time series (reference A.14): 1-second buckets for the last hour, folded into
//! 1-minute buckets kept for the stream's retention window.

use serde::Serialize;
use std::collections::VecDeque;

/// Seconds kept at 1-second resolution.
pub const SECONDS_KEPT: usize = 3_600;

/// Every metric the engine records, named exactly as CloudWatch names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum MetricName {
    IncomingBytes,
    IncomingRecords,
    OutgoingBytes,
    OutgoingRecords,
    WriteProvisionedThroughputExceeded,
    ReadProvisionedThroughputExceeded,
    IteratorAgeMilliseconds,
    GetRecordsBytes,
    GetRecordsIteratorAgeMilliseconds,
    GetRecordsLatency,
    GetRecordsRecords,
    GetRecordsSuccess,
    PutRecordBytes,
    PutRecordLatency,
    PutRecordSuccess,
    PutRecordsBytes,
    PutRecordsLatency,
    PutRecordsSuccess,
    PutRecordsTotalRecords,
    PutRecordsSuccessfulRecords,
    PutRecordsFailedRecords,
    PutRecordsThrottledRecords,
    SubscribeToShardRateExceeded,
    SubscribeToShardSuccess,
    SubscribeToShardEventBytes,
    SubscribeToShardEventRecords,
    SubscribeToShardEventMillisBehindLatest,
    SubscribeToShardEventSuccess,
}

impl MetricName {
    /// Number of metric names.
    pub const COUNT: usize = 28;

    /// Every metric, in declaration order.
    pub const ALL: [MetricName; Self::COUNT] = [
        Self::IncomingBytes,
        Self::IncomingRecords,
        Self::OutgoingBytes,
        Self::OutgoingRecords,
        Self::WriteProvisionedThroughputExceeded,
        Self::ReadProvisionedThroughputExceeded,
        Self::IteratorAgeMilliseconds,
        Self::GetRecordsBytes,
        Self::GetRecordsIteratorAgeMilliseconds,
        Self::GetRecordsLatency,
        Self::GetRecordsRecords,
        Self::GetRecordsSuccess,
        Self::PutRecordBytes,
        Self::PutRecordLatency,
        Self::PutRecordSuccess,
        Self::PutRecordsBytes,
        Self::PutRecordsLatency,
        Self::PutRecordsSuccess,
        Self::PutRecordsTotalRecords,
        Self::PutRecordsSuccessfulRecords,
        Self::PutRecordsFailedRecords,
        Self::PutRecordsThrottledRecords,
        Self::SubscribeToShardRateExceeded,
        Self::SubscribeToShardSuccess,
        Self::SubscribeToShardEventBytes,
        Self::SubscribeToShardEventRecords,
        Self::SubscribeToShardEventMillisBehindLatest,
        Self::SubscribeToShardEventSuccess,
    ];

    /// The CloudWatch metric name in namespace `AWS/Kinesis`.
    pub fn cloudwatch_name(self) -> &'static str {
        match self {
            Self::IncomingBytes => "IncomingBytes",
            Self::IncomingRecords => "IncomingRecords",
            Self::OutgoingBytes => "OutgoingBytes",
            Self::OutgoingRecords => "OutgoingRecords",
            Self::WriteProvisionedThroughputExceeded => "WriteProvisionedThroughputExceeded",
            Self::ReadProvisionedThroughputExceeded => "ReadProvisionedThroughputExceeded",
            Self::IteratorAgeMilliseconds => "IteratorAgeMilliseconds",
            Self::GetRecordsBytes => "GetRecords.Bytes",
            Self::GetRecordsIteratorAgeMilliseconds => "GetRecords.IteratorAgeMilliseconds",
            Self::GetRecordsLatency => "GetRecords.Latency",
            Self::GetRecordsRecords => "GetRecords.Records",
            Self::GetRecordsSuccess => "GetRecords.Success",
            Self::PutRecordBytes => "PutRecord.Bytes",
            Self::PutRecordLatency => "PutRecord.Latency",
            Self::PutRecordSuccess => "PutRecord.Success",
            Self::PutRecordsBytes => "PutRecords.Bytes",
            Self::PutRecordsLatency => "PutRecords.Latency",
            Self::PutRecordsSuccess => "PutRecords.Success",
            Self::PutRecordsTotalRecords => "PutRecords.TotalRecords",
            Self::PutRecordsSuccessfulRecords => "PutRecords.SuccessfulRecords",
            Self::PutRecordsFailedRecords => "PutRecords.FailedRecords",
            Self::PutRecordsThrottledRecords => "PutRecords.ThrottledRecords",
            Self::SubscribeToShardRateExceeded => "SubscribeToShard.RateExceeded",
            Self::SubscribeToShardSuccess => "SubscribeToShard.Success",
            Self::SubscribeToShardEventBytes => "SubscribeToShardEvent.Bytes",
            Self::SubscribeToShardEventRecords => "SubscribeToShardEvent.Records",
            Self::SubscribeToShardEventMillisBehindLatest => {
                "SubscribeToShardEvent.MillisBehindLatest"
            }
            Self::SubscribeToShardEventSuccess => "SubscribeToShardEvent.Success",
        }
    }

    /// Looks a metric up by its CloudWatch name.
    pub fn from_cloudwatch_name(name: &str) -> Option<MetricName> {
        Self::ALL.into_iter().find(|m| m.cloudwatch_name() == name)
    }
}

/// One bucket's statistics: CloudWatch's Sum, SampleCount, Minimum and Maximum (Average = sum/count).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Bucket {
    /// Sum of the samples.
    pub sum: f64,
    /// Number of samples.
    pub count: u32,
    /// Smallest sample.
    pub min: f32,
    /// Largest sample.
    pub max: f32,
}

impl Bucket {
    fn add(&mut self, value: f64) {
        let v = value as f32;
        if self.count == 0 {
            self.min = v;
            self.max = v;
        } else {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
        self.sum += value;
        self.count += 1;
    }

    fn merge(&mut self, other: &Bucket) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        self.sum += other.sum;
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Average of the samples (0 when empty).
    pub fn average(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum / f64::from(self.count)
        }
    }
}

/// A ring of consecutive buckets, each `width` seconds, holding at most `capacity` of them.
#[derive(Debug, Clone, Default)]
struct Ring {
    first_index: i64,
    buckets: VecDeque<Bucket>,
}

impl Ring {
    /// Adds to bucket `index`, growing the ring; returns buckets pushed out past `capacity`.
    fn bucket_mut(
        &mut self,
        index: i64,
        capacity: usize,
        evicted: &mut Vec<(i64, Bucket)>,
    ) -> Option<&mut Bucket> {
        if self.buckets.is_empty() {
            self.first_index = index;
            self.buckets.push_back(Bucket::default());
        }
        if index < self.first_index {
            return None; // older than anything kept
        }
        let last = self.first_index + self.buckets.len() as i64 - 1;
        if index > last {
            if index - last > capacity as i64 {
                // A long quiet gap: everything kept is older than the window; restart at `index`.
                evicted.extend(
                    self.buckets
                        .drain(..)
                        .enumerate()
                        .map(|(i, b)| (self.first_index + i as i64, b)),
                );
                self.first_index = index;
                self.buckets.push_back(Bucket::default());
            } else {
                for _ in last..index {
                    self.buckets.push_back(Bucket::default());
                }
            }
        }
        while self.buckets.len() > capacity {
            let bucket = self
                .buckets
                .pop_front()
                .expect("ring is longer than its capacity");
            evicted.push((self.first_index, bucket));
            self.first_index += 1;
        }
        self.buckets.get_mut((index - self.first_index) as usize)
    }

    fn iter(&self) -> impl Iterator<Item = (i64, Bucket)> + '_ {
        self.buckets
            .iter()
            .enumerate()
            .map(|(i, b)| (self.first_index + i as i64, *b))
    }
}

/// One metric's history: per second for the last hour, per minute for the retention window.
#[derive(Debug, Clone)]
pub struct Series {
    seconds: Ring,
    minutes: Ring,
    minutes_kept: usize,
}

impl Default for Series {
    fn default() -> Self {
        Self {
            seconds: Ring::default(),
            minutes: Ring::default(),
            minutes_kept: 24 * 60,
        }
    }
}

impl Series {
    /// Adds a sample at virtual time `now_ms`.
    pub fn record(&mut self, now_ms: i64, value: f64) {
        let mut evicted = Vec::new();
        if let Some(bucket) =
            self.seconds
                .bucket_mut(now_ms.div_euclid(1_000), SECONDS_KEPT, &mut evicted)
        {
            bucket.add(value);
        }
        for (second, bucket) in evicted {
            let mut none = Vec::new();
            if let Some(minute) =
                self.minutes
                    .bucket_mut(second.div_euclid(60), self.minutes_kept, &mut none)
            {
                minute.merge(&bucket);
            }
        }
    }

    /// Sets how many minutes of downsampled history to keep (the stream's retention window).
    pub fn keep_minutes(&mut self, minutes: usize) {
        self.minutes_kept = minutes.max(1);
    }

    /// The 1-second buckets held, oldest first, as (epoch second, bucket).
    pub fn per_second(&self) -> impl Iterator<Item = (i64, Bucket)> + '_ {
        self.seconds.iter()
    }

    /// The 1-minute buckets held (older than the last hour), as (epoch minute, bucket).
    pub fn per_minute(&self) -> impl Iterator<Item = (i64, Bucket)> + '_ {
        self.minutes.iter()
    }

    /// The bucket of epoch second `second`, if still held at 1-second resolution.
    pub fn at_second(&self, second: i64) -> Bucket {
        let offset = second - self.seconds.first_index;
        if offset < 0 {
            return Bucket::default();
        }
        self.seconds
            .buckets
            .get(offset as usize)
            .copied()
            .unwrap_or_default()
    }

    /// Sum over every sample ever kept (seconds and minutes).
    pub fn total(&self) -> f64 {
        self.per_second()
            .chain(self.per_minute())
            .map(|(_, b)| b.sum)
            .sum()
    }
}

/// A full set of series, one per [`MetricName`].
#[derive(Debug, Clone)]
pub struct MetricSet {
    series: Vec<Series>,
    lifetime_sums: [f64; MetricName::COUNT],
}

impl Default for MetricSet {
    fn default() -> Self {
        Self {
            series: vec![Series::default(); MetricName::COUNT],
            lifetime_sums: [0.0; MetricName::COUNT],
        }
    }
}

impl MetricSet {
    /// Adds a sample of `metric` at `now_ms`.
    pub fn record(&mut self, metric: MetricName, now_ms: i64, value: f64) {
        self.series[metric as usize].record(now_ms, value);
        self.lifetime_sums[metric as usize] += value;
    }

    /// The series of `metric`.
    pub fn series(&self, metric: MetricName) -> &Series {
        &self.series[metric as usize]
    }

    /// Sum of every sample of `metric` since the set was made (survives downsampling and trimming).
    pub fn lifetime_sum(&self, metric: MetricName) -> f64 {
        self.lifetime_sums[metric as usize]
    }

    /// Keeps `minutes` of downsampled history in every series.
    pub fn keep_minutes(&mut self, minutes: usize) {
        for series in &mut self.series {
            series.keep_minutes(minutes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_in_one_second_share_a_bucket() {
        let mut series = Series::default();
        series.record(10_000, 5.0);
        series.record(10_999, 7.0);
        series.record(11_000, 1.0);
        let bucket = series.at_second(10);
        assert_eq!(
            (bucket.sum, bucket.count, bucket.min, bucket.max),
            (12.0, 2, 5.0, 7.0)
        );
        assert_eq!(series.at_second(11).sum, 1.0);
    }

    #[test]
    fn seconds_older_than_an_hour_fold_into_minutes() {
        let mut series = Series::default();
        for second in 0..(SECONDS_KEPT as i64 + 120) {
            series.record(second * 1_000, 1.0);
        }
        assert_eq!(series.per_second().count(), SECONDS_KEPT);
        let minutes: Vec<_> = series.per_minute().collect();
        assert_eq!(minutes.len(), 2);
        assert_eq!(minutes[0].1.sum, 60.0);
        assert_eq!(series.total(), (SECONDS_KEPT + 120) as f64);
    }

    #[test]
    fn minutes_beyond_retention_are_dropped() {
        let mut series = Series::default();
        series.keep_minutes(2);
        for minute in 0..200i64 {
            series.record(minute * 60_000, 1.0);
        }
        assert!(series.per_minute().count() <= 2);
    }

    #[test]
    fn every_name_round_trips() {
        for metric in MetricName::ALL {
            assert_eq!(
                MetricName::from_cloudwatch_name(metric.cloudwatch_name()),
                Some(metric)
            );
        }
        assert_eq!(MetricName::ALL.len(), MetricName::COUNT);
    }
}
