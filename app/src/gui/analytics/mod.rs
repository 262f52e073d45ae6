//! The Analytics tab: stream analytics applications — their SQL in an editor that underlines
//! errors where they are, Start / Stop, and what the code computes drawn as it runs: windows on a
//! time axis as they close, the anomaly chart, hotspots over the scatter of points.

pub mod charts;
pub mod create;
pub mod tab;
pub mod view;

#[cfg(test)]
mod tests;

/// Code a new application can start from: AWS's examples.
pub const TEMPLATES: [(&str, &str); 4] = [
    (
        "Tumbling-window count (AWS's example)",
        include_str!("../../../../assets/analytics/tumbling-count.sql"),
    ),
    (
        "Anomaly detection with RANDOM_CUT_FOREST (AWS's example)",
        include_str!("../../../../assets/analytics/anomaly-detection.sql"),
    ),
    (
        "Hotspots (AWS's example)",
        include_str!("../../../../assets/analytics/hotspots.sql"),
    ),
    (
        "Per-ticker metrics per minute",
        include_str!("../../../../assets/analytics/ticker-metrics.sql"),
    ),
];

/// Code as checked: the text, the application and its version.
pub type CheckedCode = (String, String, i64);
/// Where code fails to compile: line, column, message.
pub type CodeError = (u64, u64, String);

/// The create form's fields.
#[derive(Debug, Clone, Default)]
pub struct CreateForm {
    pub name: String,
    pub source: String,
    pub output: String,
    pub template: usize,
}

/// The tab's state between frames.
#[derive(Debug, Clone)]
pub struct AnalyticsPanel {
    /// The application whose code is in the editor.
    pub editing: Option<String>,
    pub code: String,
    /// Whether the editor holds changes not saved yet.
    pub dirty: bool,
    /// ANOMALY_SCORE above which a point is marked.
    pub threshold: f64,
    /// The last check of the editor's code (the code, application and version checked), and
    /// where it failed: (line, column, message).
    pub checked: Option<(CheckedCode, Option<CodeError>)>,
    pub form: CreateForm,
}

impl Default for AnalyticsPanel {
    fn default() -> Self {
        Self {
            editing: None,
            code: String::new(),
            dirty: false,
            checked: None,
            threshold: kinescope_core::sim::analytics_spec::DEFAULT_ANOMALY_THRESHOLD,
            form: CreateForm::default(),
        }
    }
}
