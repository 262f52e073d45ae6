//! "Which service?": a few questions about a workload, and the service (or pair) that fits it
//! with the reason — the choosing rules of reference E — and the lesson that shows it.

/// A workload, as yes/no answers to [`QUESTIONS`] (same order).
pub type Answers = [bool; QUESTIONS.len()];

/// The questions, each with what a yes means.
pub const QUESTIONS: [&str; 7] = [
    "Is it video, audio or other time-encoded media from cameras or devices?",
    "Do you need SQL or stateful analytics over time windows (counts per minute, anomaly scores)?",
    "Should the data land in S3, Redshift, OpenSearch, Splunk or an HTTP endpoint without writing a consumer?",
    "Do several applications read the same data, or must you replay it, or keep order per key?",
    "Do you process each record with your own code, within a second of it being written?",
    "Is each message a task to be consumed once and deleted, with delays or a dead-letter queue?",
    "Must producers and consumers speak the Apache Kafka API?",
];

const MEDIA: usize = 0;
const WINDOWS: usize = 1;
const DELIVERY: usize = 2;
const SHARED_OR_REPLAY: usize = 3;
const CUSTOM: usize = 4;
const TASKS: usize = 5;
const KAFKA: usize = 6;

/// A service the workload needs, why, and the lesson that shows it at work.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub service: &'static str,
    pub why: &'static str,
    pub lesson: Option<&'static str>,
}

/// What fits `answers`, the main service first; empty while nothing is answered yes.
pub fn recommend(answers: &Answers) -> Vec<Recommendation> {
    let mut picks = Vec::new();
    if answers[MEDIA] {
        picks.push(Recommendation {
            service: "Kinesis Video Streams",
            why: "Media is stored as time-indexed MKV fragments for the retention you set, and played back live or archived through HLS, DASH or GetClip.",
            lesson: Some("video-retention-playback"),
        });
    }
    let stream_needed = answers[WINDOWS] || answers[SHARED_OR_REPLAY] || answers[CUSTOM];
    if answers[WINDOWS] {
        picks.push(Recommendation {
            service: "Managed Service for Apache Flink (reading a Kinesis data stream)",
            why: "Windowed SQL and stateful operators (TUMBLE, HOP, SESSION, anomaly scores) run continuously over the stream; Kinesis Data Analytics for SQL is retired in its favour.",
            lesson: Some("windowed-sql"),
        });
    }
    if stream_needed {
        picks.push(Recommendation {
            service: "Kinesis Data Streams",
            why: "Records stay for the retention (24 h to 365 days) after they are read, so many consumers read independently and can replay; order holds per shard, so per partition key.",
            lesson: Some(if answers[SHARED_OR_REPLAY] {
                "shared-vs-enhanced-fan-out"
            } else {
                "partition-keys"
            }),
        });
    }
    if answers[DELIVERY] {
        picks.push(Recommendation {
            service: if stream_needed {
                "Amazon Data Firehose (reading the data stream)"
            } else {
                "Amazon Data Firehose (Direct PUT)"
            },
            why: "Zero-code, buffered delivery (by size or interval, whichever comes first) with Lambda transforms, Parquet/ORC conversion and compression; it keeps no data to replay.",
            lesson: Some("firehose-buffering"),
        });
    }
    if answers[TASKS] {
        picks.push(Recommendation {
            service: "Amazon SQS (not emulated here)",
            why: "Each message is received, acknowledged and deleted by one consumer, with delays and a dead-letter queue; a stream keeps records for every consumer instead.",
            lesson: None,
        });
    }
    if answers[KAFKA] {
        picks.push(Recommendation {
            service: "Amazon MSK (not emulated here)",
            why: "Kafka clients and tools work unchanged against managed Apache Kafka; Kinesis has its own API.",
            lesson: None,
        });
    }
    picks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes(indexes: &[usize]) -> Answers {
        let mut answers = [false; QUESTIONS.len()];
        for &i in indexes {
            answers[i] = true;
        }
        answers
    }

    fn services(answers: &Answers) -> Vec<&'static str> {
        recommend(answers).iter().map(|r| r.service).collect()
    }

    #[test]
    fn each_need_picks_the_service_reference_e_gives_it() {
        assert!(services(&yes(&[])).is_empty());
        assert_eq!(services(&yes(&[MEDIA])), ["Kinesis Video Streams"]);
        assert_eq!(
            services(&yes(&[DELIVERY])),
            ["Amazon Data Firehose (Direct PUT)"]
        );
        assert_eq!(
            services(&yes(&[SHARED_OR_REPLAY])),
            ["Kinesis Data Streams"]
        );
        assert_eq!(
            services(&yes(&[WINDOWS])),
            [
                "Managed Service for Apache Flink (reading a Kinesis data stream)",
                "Kinesis Data Streams"
            ]
        );
        // Replay and zero-code loading into S3: a stream, and Firehose reading it.
        assert_eq!(
            services(&yes(&[SHARED_OR_REPLAY, DELIVERY])),
            [
                "Kinesis Data Streams",
                "Amazon Data Firehose (reading the data stream)"
            ]
        );
        assert_eq!(services(&yes(&[TASKS])), ["Amazon SQS (not emulated here)"]);
        let every_lesson_exists = recommend(&[true; QUESTIONS.len()])
            .iter()
            .filter_map(|r| r.lesson)
            .all(|l| crate::learn::catalog::lesson(l).is_ok());
        assert!(every_lesson_exists);
    }
}
