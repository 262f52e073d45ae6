//! Stream analytics' share of the world: its applications — and what falls due on the clock
//! (status transitions, and each running application's run: read, compute, write).

use super::application::{Application, DELETING_MS};
use super::runtime::{RUN_INTERVAL_MS, Runtime, SourceReader, enqueue};
use super::shapes::ApplicationStatus;
use crate::events::EventKind;
use crate::world::World;
use bytes::Bytes;
use std::collections::{BTreeMap, VecDeque};

/// Records of each delivery stream kept for DiscoverInputSchema to sample.
const RECENT_KEPT: usize = 100;

/// Everything stream analytics holds.
#[derive(Debug, Default)]
pub struct Analytics {
    /// Applications by name.
    pub(crate) applications: BTreeMap<String, Application>,
    /// The last records each delivery stream took in, newest last.
    recent: BTreeMap<String, VecDeque<Bytes>>,
}

impl Analytics {
    /// The last records delivery stream `name` took in, oldest first.
    pub(crate) fn recent_delivery_stream_records(&self, name: &str) -> Vec<Vec<u8>> {
        self.recent
            .get(name)
            .map(|r| r.iter().map(|b| b.to_vec()).collect())
            .unwrap_or_default()
    }
}

impl World {
    /// Every analytics application, by name (read-only: change them through commands).
    pub fn analytics_applications(&self) -> &BTreeMap<String, Application> {
        &self.analytics.applications
    }

    /// The earliest moment anything in stream analytics falls due.
    pub(crate) fn analytics_deadline(&self) -> Option<i64> {
        self.analytics
            .applications
            .values()
            .filter_map(|app| {
                let run = match (&app.status, &app.runtime) {
                    (ApplicationStatus::Running | ApplicationStatus::Updating, Some(r)) => {
                        Some(r.next_run_ms)
                    }
                    _ => None,
                };
                [app.transition_at_ms, run].into_iter().flatten().min()
            })
            .min()
    }

    /// A record a delivery stream took in, for the running applications reading it.
    pub(crate) fn feed_analytics_from_delivery_stream(&mut self, name: &str, data: &Bytes) {
        let now = self.now_ms();
        let recent = self.analytics.recent.entry(name.to_owned()).or_default();
        recent.push_back(data.clone());
        if recent.len() > RECENT_KEPT {
            recent.pop_front();
        }
        for app in self.analytics.applications.values_mut() {
            if !matches!(
                app.status,
                ApplicationStatus::Running | ApplicationStatus::Updating
            ) {
                continue;
            }
            if let Some(Runtime {
                source:
                    SourceReader::Firehose {
                        delivery_stream,
                        queue,
                    },
                ..
            }) = &mut app.runtime
                && delivery_stream == name
            {
                enqueue(queue, data.clone(), now);
            }
        }
    }

    /// Completes due transitions, then runs every running application that is due, in name order.
    pub(crate) fn run_analytics(&mut self, now: i64) {
        let names: Vec<String> = self.analytics.applications.keys().cloned().collect();
        for name in names {
            self.complete_application_transition(&name, now);
            let Some(app) = self.analytics.applications.get_mut(&name) else {
                continue;
            };
            let running = matches!(
                app.status,
                ApplicationStatus::Running | ApplicationStatus::Updating
            );
            let due = app.runtime.as_ref().is_some_and(|r| r.next_run_ms <= now);
            if !(running && due) {
                continue;
            }
            let Some(mut runtime) = app.runtime.take() else {
                continue;
            };
            self.run_application(&mut runtime, now);
            if let Some(app) = self.analytics.applications.get_mut(&name) {
                app.runtime = Some(runtime);
            }
        }
    }

    fn run_application(&mut self, runtime: &mut Runtime, now: i64) {
        let records = match &mut runtime.source {
            SourceReader::Kinesis(source) => {
                runtime.source_error = self
                    .stream_named(&source.stream)
                    .err()
                    .map(|e| format!("{}: {}", e.code(), e.message()));
                source.poll(self, now)
            }
            SourceReader::Firehose {
                delivery_stream,
                queue,
            } => {
                runtime.source_error = self
                    .delivery_stream_named(delivery_stream)
                    .err()
                    .map(|e| format!("{}: {}", e.code(), e.message()));
                queue.drain(..).collect()
            }
        };
        for (data, arrival_ms) in records {
            runtime.take_record(&data, arrival_ms, now);
        }
        runtime.collect_output(now);
        for writer in &mut runtime.outputs {
            writer.flush(self);
        }
        let next_read = match &runtime.source {
            SourceReader::Kinesis(source) => source.next_read_ms(),
            SourceReader::Firehose { .. } => None,
        };
        runtime.next_run_ms = next_read
            .unwrap_or(now + RUN_INTERVAL_MS)
            .clamp(now + 1, now + RUN_INTERVAL_MS);
    }

    fn complete_application_transition(&mut self, name: &str, now: i64) {
        let Some(app) = self.analytics.applications.get_mut(name) else {
            return;
        };
        if app.transition_at_ms.is_none_or(|t| t > now) {
            return;
        }
        app.transition_at_ms = None;
        let next = match app.status {
            ApplicationStatus::Starting | ApplicationStatus::Updating => {
                if let Some(runtime) = &mut app.runtime {
                    runtime.next_run_ms = now;
                }
                ApplicationStatus::Running
            }
            ApplicationStatus::Stopping => ApplicationStatus::Ready,
            ApplicationStatus::Deleting => {
                self.analytics.applications.remove(name);
                self.log_event(
                    EventKind::StatusChanged,
                    None,
                    format!("application {name} deleted"),
                );
                return;
            }
            settled => settled,
        };
        app.status = next;
        let detail = format!("application {name} is {}", next.as_str());
        self.log_event(EventKind::StatusChanged, None, detail);
    }

    /// Starts deleting `name`: gone [`DELETING_MS`] later.
    pub(crate) fn begin_deleting_application(&mut self, name: &str, now: i64) {
        if let Some(app) = self.analytics.applications.get_mut(name) {
            app.status = ApplicationStatus::Deleting;
            app.transition_at_ms = Some(now + DELETING_MS);
        }
    }
}
