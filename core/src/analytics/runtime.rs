//! A running application (reference D): its program compiled against the input schema, its
//! streaming source — a Kinesis stream read as a consumer through the Data Streams read path, or
//! the records a Firehose delivery stream takes in — its reference tables, and its outputs. Each
//! run reads what the source has, turns records into rows of the input's in-application stream
//! (ROWTIME = now; APPROXIMATE_ARRIVAL_TIME = when the record reached the source), closes the
//! windows now has passed, and hands the output streams' rows to their writers.

use super::application::Application;
use super::error::AnalyticsError;
use super::flink_translation::{Connectors, FlinkMirror};
use super::output_writer::{Destination, OutputWriter, arn_resource};
use super::program::{ERROR_STREAM, ErrorRecord, Program, Row};
use super::record_format::{RecordDecoder, encode_row};
use super::shapes::{Input, ReferenceDataSource};
use super::value::{SqlType, Value};
use crate::firehose::kinesis_source::{KinesisSource, StartFrom};
use bytes::Bytes;
use std::collections::VecDeque;

/// How often a running application runs when its source gives it no other reason.
pub const RUN_INTERVAL_MS: i64 = 1_000;
/// The column every input stream gains: when the record reached the streaming source.
pub const ARRIVAL_COLUMN: &str = "APPROXIMATE_ARRIVAL_TIME";
/// Records a Firehose source keeps for an application that has not run yet.
const MAX_QUEUED: usize = 100_000;

/// Where the rows come from.
#[derive(Debug, Clone)]
pub enum SourceReader {
    /// A consumer of a Kinesis stream.
    Kinesis(KinesisSource),
    /// The records a delivery stream took in since the last run, with their arrival times.
    Firehose {
        delivery_stream: String,
        queue: VecDeque<(Bytes, i64)>,
    },
}

impl SourceReader {
    /// The Kinesis stream or delivery stream read.
    pub fn resource(&self) -> &str {
        match self {
            SourceReader::Kinesis(source) => &source.stream,
            SourceReader::Firehose {
                delivery_stream, ..
            } => delivery_stream,
        }
    }
}

/// A started application's moving parts.
#[derive(Debug)]
pub struct Runtime {
    pub program: Program,
    /// The in-application stream the input's rows enter.
    pub input_stream: String,
    decoder: RecordDecoder,
    pub source: SourceReader,
    pub outputs: Vec<OutputWriter>,
    /// Records read from the source.
    pub records_in: u64,
    /// Records that did not fit the input schema (sent to the error stream).
    pub records_rejected: u64,
    /// Why the source cannot be read (it was deleted), while it cannot.
    pub source_error: Option<String>,
    /// The code as Flink SQL, run beside it on the same rows when it translated whole.
    pub flink: Option<FlinkMirror>,
    pub next_run_ms: i64,
}

/// The source an input reads, by its ARN.
fn source_of(app: &Application, start: StartFrom) -> Result<SourceReader, AnalyticsError> {
    let input = &app.inputs[0].input;
    let invalid = |what: &str| {
        AnalyticsError::InvalidApplicationConfigurationException(format!(
            "Input {what} of application {} is not valid.",
            app.name
        ))
    };
    if let Some(kinesis) = &input.kinesis_streams_input {
        let arn = kinesis.resource_arn.as_deref().unwrap_or_default();
        let stream = arn_resource(arn, "stream").ok_or_else(|| invalid(arn))?;
        let label = format!("analytics:{}", app.name);
        return Ok(SourceReader::Kinesis(KinesisSource::labelled(
            stream, label, start,
        )));
    }
    if let Some(firehose) = &input.kinesis_firehose_input {
        let arn = firehose.resource_arn.as_deref().unwrap_or_default();
        let name = arn_resource(arn, "deliverystream").ok_or_else(|| invalid(arn))?;
        return Ok(SourceReader::Firehose {
            delivery_stream: name.to_owned(),
            queue: VecDeque::new(),
        });
    }
    Err(invalid("source"))
}

/// The writer of each output, by its ARN; outputs of other kinds are not run.
fn writers_of(app: &Application) -> Vec<OutputWriter> {
    app.outputs
        .iter()
        .filter_map(|(id, output)| {
            let destination = if let Some(k) = &output.kinesis_streams_output {
                let arn = k.resource_arn.as_deref().unwrap_or_default();
                Destination::KinesisStream(arn_resource(arn, "stream")?.to_owned())
            } else {
                let f = output.kinesis_firehose_output.as_ref()?;
                let arn = f.resource_arn.as_deref().unwrap_or_default();
                Destination::DeliveryStream(arn_resource(arn, "deliverystream")?.to_owned())
            };
            let csv = output
                .destination_schema
                .as_ref()
                .and_then(|d| d.record_format_type.as_deref())
                == Some("CSV");
            let stream = output.name.clone().unwrap_or_default();
            Some(OutputWriter::new(id.clone(), stream, destination, csv))
        })
        .collect()
}

/// The program `code` compiles to for `input` and reference tables `references`, with its
/// decoder and the input stream's name; `Err` is AWS's refusal of the code
/// (CodeValidationException), naming where it went wrong.
pub fn compile(
    code: Option<&str>,
    input: &Input,
    references: &[(String, ReferenceDataSource)],
) -> Result<(Program, RecordDecoder, String), AnalyticsError> {
    let invalid = |message: String| AnalyticsError::CodeValidationException(message);
    let schema = input.input_schema.clone().unwrap_or_default();
    let decoder = RecordDecoder::new(&schema).map_err(invalid)?;
    let mut columns = decoder.columns();
    columns.push((ARRIVAL_COLUMN.into(), SqlType::Timestamp));
    let tables = references
        .iter()
        .map(|(_, r)| {
            let schema = r.reference_schema.clone().unwrap_or_default();
            let columns = RecordDecoder::new(&schema).map_err(invalid)?.columns();
            Ok((r.table_name.clone().unwrap_or_default(), columns))
        })
        .collect::<Result<Vec<_>, AnalyticsError>>()?;
    let input_stream = Application::in_app_stream_name(input);
    let program =
        Program::compile_with_tables(code.unwrap_or_default(), &input_stream, &columns, &tables)
            .map_err(|e| invalid(format!("Invalid application code: {e}")))?;
    Ok((program, decoder, input_stream))
}

/// The application's code translated to Flink SQL, with where its input and outputs are.
fn mirror_of(
    app: &Application,
    input_stream: &str,
    decoder: &RecordDecoder,
) -> Option<FlinkMirror> {
    let input = &app.inputs.first()?.input;
    let source_arn = input.source_arn().to_owned();
    let region = app.arn.split(':').nth(3).unwrap_or_default().to_owned();
    let outputs = app
        .outputs
        .iter()
        .map(|(_, o)| {
            let arn = o.destination_arn().to_owned();
            let format = o
                .destination_schema
                .as_ref()
                .and_then(|d| d.record_format_type.clone());
            (
                o.name.clone().unwrap_or_default(),
                arn,
                format.unwrap_or_else(|| "JSON".into()),
            )
        })
        .collect();
    let connectors = Connectors {
        region,
        source_arn,
        outputs,
    };
    let mut columns = decoder.columns();
    columns.push((ARRIVAL_COLUMN.into(), SqlType::Timestamp));
    let code = app.code.as_deref().unwrap_or_default();
    FlinkMirror::of(code, input_stream, &columns, &connectors).ok()
}

impl Runtime {
    /// The runtime of `app` starting now at `starting_position` (NOW, TRIM_HORIZON or
    /// LAST_STOPPED_POINT, which resumes `previous`'s reader).
    pub fn start(
        app: &Application,
        starting_position: &str,
        previous: Option<SourceReader>,
        now: i64,
    ) -> Result<Self, AnalyticsError> {
        let Some(stored) = app.inputs.first() else {
            return Err(AnalyticsError::InvalidApplicationConfigurationException(
                format!("Application {} has no input configured.", app.name),
            ));
        };
        let (mut program, decoder, input_stream) =
            compile(app.code.as_deref(), &stored.input, &app.references)?;
        // NOW reads what arrives from the request on; TRIM_HORIZON everything the stream keeps.
        let start = match starting_position {
            "TRIM_HORIZON" => StartFrom::TrimHorizon,
            _ => StartFrom::AtTimestamp(now),
        };
        let fresh = source_of(app, start)?;
        let source = match (starting_position, previous) {
            // Resuming reads on where the last reader stopped, if it read the same resource.
            ("LAST_STOPPED_POINT", Some(previous)) if previous.resource() == fresh.resource() => {
                previous
            }
            _ => fresh,
        };
        let outputs = writers_of(app);
        for writer in &outputs {
            program.tap(&writer.stream);
        }
        let flink = mirror_of(app, &input_stream, &decoder);
        Ok(Self {
            program,
            input_stream,
            decoder,
            source,
            outputs,
            records_in: 0,
            records_rejected: 0,
            source_error: None,
            flink,
            next_run_ms: now,
        })
    }

    /// The same application with new code, outputs or schema: its reader and counts kept.
    /// `Err` leaves this runtime as it was.
    pub fn restart(&self, app: &Application, now: i64) -> Result<Self, AnalyticsError> {
        let previous = Some(self.source.clone());
        let mut runtime = Runtime::start(app, "LAST_STOPPED_POINT", previous, now)?;
        runtime.records_in = self.records_in;
        runtime.records_rejected = self.records_rejected;
        Ok(runtime)
    }

    /// Turns one source record into rows of the input stream, or an error row.
    pub fn take_record(&mut self, data: &[u8], arrival_ms: i64, now: i64) {
        self.records_in += 1;
        match self.decoder.decode(data) {
            Ok(rows) => {
                for mut values in rows {
                    values.push(Value::Timestamp(arrival_ms));
                    let row = Row {
                        rowtime_ms: now,
                        values,
                    };
                    if let Some(flink) = self.flink.as_mut().and_then(|f| f.program.as_mut()) {
                        flink.insert(&self.input_stream, row.clone());
                    }
                    self.program.insert(&self.input_stream, row);
                }
            }
            Err(error) => {
                self.records_rejected += 1;
                self.program.report(ErrorRecord {
                    error_time_ms: now,
                    error_name: "Unable to parse".into(),
                    message: error.message,
                    data_rowtime_ms: now,
                    data_row: error.data,
                    pump_name: None,
                });
            }
        }
    }

    /// Closes what `now` has passed and queues the output streams' new rows for their writers.
    pub fn collect_output(&mut self, now: i64) {
        self.program.advance(now);
        if let Some(flink) = self.flink.as_mut().and_then(|f| f.program.as_mut()) {
            flink.advance(now);
        }
        for (stream, row) in self.program.take_output() {
            let columns = if stream == ERROR_STREAM {
                error_columns()
            } else {
                match self.program.stream(&stream) {
                    Some(s) => s.columns.clone(),
                    None => continue,
                }
            };
            for writer in self.outputs.iter_mut().filter(|w| w.stream == stream) {
                writer.push(encode_row(&columns, &row.values, writer.csv));
            }
        }
    }
}

/// The `error_stream`'s columns, as AWS names them.
pub fn error_columns() -> Vec<(String, SqlType)> {
    [
        ("ERROR_TIME", SqlType::Timestamp),
        ("ERROR_LEVEL", SqlType::Varchar),
        ("ERROR_NAME", SqlType::Varchar),
        ("MESSAGE", SqlType::Varchar),
        ("DATA_ROWTIME", SqlType::Timestamp),
        ("DATA_ROW", SqlType::Varchar),
        ("PUMP_NAME", SqlType::Varchar),
    ]
    .into_iter()
    .map(|(n, k)| (n.to_owned(), k))
    .collect()
}

/// Records queued for a Firehose-fed application, keeping at most [`MAX_QUEUED`].
pub fn enqueue(queue: &mut VecDeque<(Bytes, i64)>, data: Bytes, arrival_ms: i64) {
    queue.push_back((data, arrival_ms));
    if queue.len() > MAX_QUEUED {
        queue.pop_front();
    }
}
