//! `kinescope [--scenario FILE] [--speed FACTOR] [--paused] [--screenshot OUT.png [--after S]]`:
//! opens the desktop inspector on a scenario (the demo by default) and serves the Kinesis API
//! beside it, so real clients can be watched as they run.

use crate::account::AccountArgs;
use crate::gui::learn::LearnRequest;
use crate::gui::screenshot::SCREENSHOT_FAILED;
use crate::gui::{Inspector, Tab};
use anyhow::{Context, Result};
use kinescope_core::api::{self, ApiState, AuthMode};
use kinescope_core::clock::Speed;
use kinescope_core::learn::catalog;
use kinescope_core::live::SharedWorld;
use kinescope_core::settings::Settings;
use kinescope_core::sim::scenario::Scenario;
use kinescope_core::sim::simulation::Simulation;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// The scenario the app opens when none is given.
const DEMO: &str = include_str!("../../assets/scenarios/demo.json");

/// Options of the desktop app.
#[derive(Debug, Clone, clap::Args)]
pub struct DesktopArgs {
    /// Scenario to open (default: the demo).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Virtual-time speed: a factor of real time (1, 10, 60, 3600) or max.
    #[arg(long, default_value = "1", value_parser = parse_speed)]
    speed: Speed,
    /// Open paused.
    #[arg(long)]
    paused: bool,
    /// Save a PNG of the window after --after virtual seconds, then exit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Virtual seconds to run before the screenshot (as fast as possible; default 10, or 0 with
    /// --lesson: its first step, before the prediction).
    #[arg(long)]
    after: Option<f64>,
    /// Tab to open on: map, throughput, lag, records, produce, simulators, firehose, video,
    /// analytics, traffic, events or learn.
    #[arg(long, default_value = "map", value_parser = parse_tab)]
    tab: Tab,
    /// Open in presenter's mode: full screen, the chosen tab alone, large type in high contrast,
    /// keyboard shortcuts and annotations (P or F11 toggles it, Esc leaves).
    #[arg(long)]
    present: bool,
    /// Record the window into this file (.gif or .mp4) for --record-seconds, then exit.
    #[arg(long)]
    record: Option<PathBuf>,
    /// How long --record records (wall-clock seconds).
    #[arg(long, default_value_t = 10.0)]
    record_seconds: f64,
    /// Open a lesson at its first step (`kinescope lessons list` names them); its scenario
    /// replaces --scenario.
    #[arg(long)]
    lesson: Option<String>,
    /// Port of the Kinesis API served beside the app (0 = any free port).
    #[arg(long, default_value_t = 4567)]
    api_port: u16,
    /// Do not serve the Kinesis API.
    #[arg(long)]
    no_api: bool,
    /// Where Firehose delivers S3 objects (DATA_DIR/s3/BUCKET/KEY); default the platform's data
    /// directory (kinescope under ~/.local/share on Linux), or memory for --screenshot.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    #[command(flatten)]
    account: AccountArgs,
}

/// The data directory: the one given, else the platform's (none for a one-off screenshot).
fn data_dir(args: &DesktopArgs) -> Result<Option<PathBuf>> {
    let dir = match (&args.data_dir, &args.screenshot) {
        (Some(dir), _) => dir.clone(),
        (None, Some(_)) => return Ok(None),
        (None, None) => match dirs::data_dir() {
            Some(base) => base.join("kinescope"),
            None => return Ok(None),
        },
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    Ok(Some(dir))
}

fn parse_tab(text: &str) -> Result<Tab, String> {
    Tab::parse(text).ok_or_else(|| {
        format!("{text:?} is not a tab: map, throughput, lag, records, produce, simulators, firehose, video, analytics, traffic, events or learn")
    })
}

fn parse_speed(text: &str) -> Result<Speed, String> {
    match Speed::parse(text) {
        Some(speed @ (Speed::Factor(_) | Speed::AsFastAsPossible)) => Ok(speed),
        _ => Err(format!(
            "{text:?} is not a speed: give max or a positive factor such as 1, 10, 60 or 3600"
        )),
    }
}

/// Opens the window; returns when it closes.
pub fn run(args: DesktopArgs) -> Result<ExitCode> {
    let (name, text) = match &args.scenario {
        Some(path) => (
            path.display().to_string(),
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?,
        ),
        None => ("the demo scenario".to_owned(), DEMO.to_owned()),
    };
    let scenario = Scenario::from_json(&text).with_context(|| name.clone())?;
    let lesson = match &args.lesson {
        Some(name) => Some(catalog::lesson(name).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let after = args
        .after
        .unwrap_or(if lesson.is_some() { 0.0 } else { 10.0 });
    if !(after.is_finite() && after >= 0.0) {
        anyhow::bail!("--after {after}: give virtual seconds ≥ 0");
    }
    let mut command_line = args.account.overrides();
    command_line.data_dir = data_dir(&args)?;
    let settings = scenario
        .settings
        .then(&command_line)
        .apply_to(Settings::starting_now());
    let seed = scenario.seed;
    let speed = if args.paused || args.screenshot.is_some() {
        Speed::Paused
    } else {
        args.speed
    };
    let world =
        SharedWorld::with_simulation(Simulation::with_settings(scenario, seed, settings), speed);
    let mut notices = Vec::new();
    if !args.no_api && args.screenshot.is_none() {
        match serve_api(world.clone(), args.api_port) {
            Ok(address) => eprintln!(
                "Kinesis API on http://{address} (AWS_ENDPOINT_URL=http://{address}, any credentials)"
            ),
            Err(e) => notices.push(format!("The Kinesis API is off: {e:#}")),
        }
    }
    // Time moves on its own thread: the window's frames only read the world.
    let _clock = world.start_clock();
    let stopping = world.clone();
    let tab = args.tab;
    let present = args.present;
    let record = args.record.clone().map(|path| (path, args.record_seconds));
    if let Some((path, seconds)) = &record {
        crate::gui::recorder::writer::DemoFormat::of(path).map_err(anyhow::Error::msg)?;
        if !(seconds.is_finite() && (0.1..=600.0).contains(seconds)) {
            anyhow::bail!("--record-seconds {seconds}: give 0.1 to 600 seconds");
        }
        if args.screenshot.is_some() {
            anyhow::bail!("--record and --screenshot each close the app when done: give one");
        }
    }
    let screenshot = args.screenshot.map(|path| (path, (after * 1_000.0) as i64));
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1600.0, 1000.0])
            .with_min_inner_size([1024.0, 700.0])
            .with_title("Kinescope"),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "kinescope",
        options,
        Box::new(move |cc| {
            let mut inspector = Inspector::new(world, screenshot);
            if present {
                crate::gui::presenter::set(&mut inspector, &cc.egui_ctx, true);
            }
            if let Some((path, seconds)) = record
                && let Err(e) = inspector.recorder.start(path, seconds, true)
            {
                inspector.notices.push(e);
            }
            inspector.account = command_line;
            inspector.open_tab(tab);
            inspector.notices.extend(notices);
            if let Some(lesson) = lesson {
                inspector.learn.request = Some(LearnRequest::Open(lesson.name));
            }
            Ok(Box::new(inspector))
        }),
    )
    .map_err(|e| {
        anyhow::anyhow!(
            "cannot open the window: {e}. Without a display, use `kinescope serve`, or `xvfb-run kinescope --screenshot out.png`"
        )
    })?;
    // What Firehose buffered is delivered as the app closes (reason shutdown).
    stopping.shut_down();
    Ok(
        if SCREENSHOT_FAILED.load(std::sync::atomic::Ordering::Relaxed) {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        },
    )
}

/// Serves the API on 127.0.0.1:`port` from a background thread; a port in use is an error
/// returned here (the app shows it as a notice and carries on).
fn serve_api(world: Arc<SharedWorld>, port: u16) -> Result<std::net::SocketAddr> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let listener = runtime.block_on(api::bind("127.0.0.1", port))?;
    let address = listener
        .local_addr()
        .context("cannot read the listening address")?;
    std::thread::Builder::new()
        .name("kinesis-api".into())
        .spawn(move || {
            let state = ApiState {
                world,
                auth: AuthMode::AcceptAnySignature,
                log_requests: false,
            };
            let _ = runtime.block_on(api::serve(
                listener,
                None,
                state,
                std::future::pending::<()>(),
            ));
        })
        .context("cannot start the API thread")?;
    Ok(address)
}
