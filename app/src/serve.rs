//! `kinescope serve`: the engine headless behind the Kinesis-compatible HTTP API (Kinesis Data
//! Streams and Firehose on one port).

use crate::account::AccountArgs;
use anyhow::{Context, Result};
use kinescope_core::api::{self, ApiState, AuthMode};
use kinescope_core::live::SharedWorld;
use kinescope_core::sim::scenario::Scenario;
use kinescope_core::sim::simulation::Simulation;
use kinescope_core::{Settings, Speed, World};

/// Options of `kinescope serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port for plain HTTP (HTTP/1.1 and h2c); 0 picks a free one.
    #[arg(long, default_value_t = 4567)]
    port: u16,
    /// Port for HTTPS (HTTP/2 and HTTP/1.1, self-signed certificate; the KPL needs TLS); 0 picks
    /// a free one.
    #[arg(long, default_value_t = 4568)]
    tls_port: u16,
    /// Serve plain HTTP only.
    #[arg(long)]
    no_tls: bool,
    /// Run this scenario's streams, producers and consumers in the served world.
    #[arg(long)]
    scenario: Option<std::path::PathBuf>,
    /// Virtual-time speed factor (1 = real time).
    #[arg(long, default_value = "1", value_parser = parse_speed)]
    speed: Speed,
    #[command(flatten)]
    account: AccountArgs,
    /// Verify SigV4 signatures against these credentials (ACCESS_KEY:SECRET) instead of accepting
    /// any well-formed signature.
    #[arg(long, value_parser = parse_auth)]
    auth: Option<api::Credentials>,
    /// Print one line per API call.
    #[arg(long)]
    log_requests: bool,
    /// Seed of the world.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where Firehose delivers S3 objects (DATA_DIR/s3/BUCKET/KEY); default a fresh temporary
    /// directory, printed at start-up.
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
}

/// A fresh directory for this server's deliveries.
fn fresh_data_dir() -> Result<std::path::PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let dir = std::env::temp_dir().join(format!("kinescope-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

fn parse_speed(text: &str) -> Result<Speed, String> {
    match Speed::parse(text) {
        Some(speed @ (Speed::Factor(_) | Speed::Paused)) => Ok(speed),
        Some(Speed::AsFastAsPossible) => {
            Err("a server runs against wall time: give a factor such as 1, 10 or 60".into())
        }
        None => Err(format!(
            "{text:?} is not a positive factor such as 1, 10 or 60"
        )),
    }
}

fn parse_auth(text: &str) -> Result<api::Credentials, String> {
    match text.split_once(':') {
        Some((key, secret)) if !key.is_empty() && !secret.is_empty() => Ok(api::Credentials {
            access_key: key.into(),
            secret: secret.into(),
        }),
        _ => Err("give the credentials as ACCESS_KEY:SECRET".into()),
    }
}

/// Waits for Ctrl-C or, on Unix, SIGTERM (what `kill` and process managers send).
async fn stop_requested() {
    #[cfg(unix)]
    if let Ok(mut terminate) =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
    {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
        return;
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Runs the server until Ctrl-C or SIGTERM, then delivers what Firehose buffered.
pub fn run(args: ServeArgs) -> Result<()> {
    // One thread: every command serialises on the world's lock anyway, and on a 2-core machine a
    // single-threaded runtime answers ~40% more requests than a work-stealing one (see README).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let settings = Settings::starting_now();
        let data_dir = match args.data_dir.clone() {
            Some(dir) => {
                std::fs::create_dir_all(&dir).with_context(|| format!("cannot create the data directory {}", dir.display()))?;
                dir
            }
            None => fresh_data_dir()?,
        };
        let mut command_line = args.account.overrides();
        command_line.data_dir = Some(data_dir.clone());
        let world = match &args.scenario {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
                let scenario = Scenario::from_json(&text).with_context(|| path.display().to_string())?;
                let seed = scenario.seed;
                let settings = scenario.settings.then(&command_line).apply_to(settings);
                SharedWorld::with_simulation(Simulation::with_settings(scenario, seed, settings), args.speed)
            }
            None => SharedWorld::new(World::new(command_line.apply_to(settings), args.seed), args.speed),
        };
        let listener = api::bind(&args.host, args.port).await?;
        let address = listener.local_addr().context("cannot read the listening address")?;
        let tls = if args.no_tls { None } else { Some(api::bind_tls(&args.host, args.tls_port)?) };
        println!("listening on http://{address}");
        if let Some(tls) = &tls {
            let tls_address = tls.local_addr().context("cannot read the TLS address")?;
            println!("listening on https://{tls_address} (self-signed certificate: tell clients not to verify it)");
        }
        let region = world.read_running(|w, _| w.settings().region.clone());
        println!("point clients at it with AWS_ENDPOINT_URL=http://{address} (any credentials, region {region})");
        println!("Firehose delivers S3 objects under {}", data_dir.join("s3").display());
        let auth = args.auth.map_or(AuthMode::AcceptAnySignature, AuthMode::Verify);
        let state = ApiState { world, auth, log_requests: args.log_requests };
        let shutdown = async {
            stop_requested().await;
            println!("stopping");
        };
        let world = state.world.clone();
        api::serve(listener, tls, state, shutdown).await?;
        world.shut_down();
        Ok(())
    })
}
