//! `--region`, `--shard-limit`, `--throttle` and `--firehose-buffering`, shared by `serve`, `run` and the desktop app: the
//! emulated account's settings, taking precedence over a scenario file's `settings`.

use kinescope_core::firehose::buffer::BufferingMode;
use kinescope_core::settings::{AccountOverrides, is_region_name};
use kinescope_core::streams::capacity::ThrottleMode;

/// The account options of every command that runs a world.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct AccountArgs {
    /// AWS region the account is in: ARNs, messages and the default shard quota (default
    /// us-east-1, or the scenario's).
    #[arg(long, value_parser = parse_region)]
    region: Option<String>,
    /// The account's shard quota (default AWS's for the region: 500 in us-east-1, us-west-2 and
    /// eu-west-1, 200 elsewhere).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    shard_limit: Option<u32>,
    /// How limits are enforced: faithful (AWS's, default), unthrottled (every rate limit off), or
    /// fault:PROBABILITY.
    #[arg(long, value_parser = parse_throttle)]
    throttle: Option<ThrottleMode>,
    /// How Firehose delivery streams buffer: faithful (AWS's size and interval hints, default) or
    /// immediate (every put delivered at once as its own object).
    #[arg(long, value_parser = parse_buffering)]
    firehose_buffering: Option<BufferingMode>,
    /// A Lambda function for Firehose processors, by name: NAME=http://HOST:PORT/PATH (your own
    /// code, answering AWS's transformation response) or NAME=builtin:csv-to-json?columns=a,b
    /// (also identity, project?fields=…, drop-where?field=…&equals=…, fail-where?…). Repeatable.
    #[arg(long = "lambda", value_name = "NAME=URL", value_parser = parse_lambda)]
    lambdas: Vec<(String, String)>,
    /// Deliver Firehose's S3 objects to this S3-compatible service (http://HOST:PORT or
    /// https://HOST; path-style PUTs signed with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, `test`
    /// when unset) instead of the data directory.
    #[arg(long, value_name = "URL", value_parser = parse_endpoint)]
    s3_endpoint: Option<String>,
}

impl AccountArgs {
    /// The options as overrides of a scenario's settings.
    pub fn overrides(&self) -> AccountOverrides {
        AccountOverrides {
            region: self.region.clone(),
            shard_limit: self.shard_limit,
            on_demand_stream_limit: None,
            throttle: self.throttle,
            firehose_buffering: self.firehose_buffering,
            data_dir: None,
            lambdas: self.lambdas.iter().cloned().collect(),
            s3_endpoint: self.s3_endpoint.as_ref().map(|endpoint| {
                let credential = |name: &str| std::env::var(name).unwrap_or_else(|_| "test".into());
                kinescope_core::firehose::s3_remote::RemoteS3 {
                    endpoint: endpoint.trim_end_matches('/').to_owned(),
                    access_key: credential("AWS_ACCESS_KEY_ID"),
                    secret_key: credential("AWS_SECRET_ACCESS_KEY"),
                }
            }),
        }
    }
}

fn parse_region(text: &str) -> Result<String, String> {
    if is_region_name(text) {
        Ok(text.to_owned())
    } else {
        Err(format!("{text:?} is not a region name such as us-east-1"))
    }
}

fn parse_throttle(text: &str) -> Result<ThrottleMode, String> {
    ThrottleMode::parse(text).ok_or_else(|| {
        format!("{text:?} is not faithful, unthrottled or fault:PROBABILITY (0 to 1)")
    })
}

fn parse_buffering(text: &str) -> Result<BufferingMode, String> {
    BufferingMode::parse(text).ok_or_else(|| format!("{text:?} is not faithful or immediate"))
}

fn parse_endpoint(text: &str) -> Result<String, String> {
    if text.starts_with("http://") || text.starts_with("https://") {
        Ok(text.to_owned())
    } else {
        Err(format!("{text:?}: give http://HOST:PORT or https://HOST"))
    }
}

fn parse_lambda(text: &str) -> Result<(String, String), String> {
    let (name, url) = text
        .split_once('=')
        .filter(|(name, url)| !name.is_empty() && !url.is_empty())
        .ok_or_else(|| format!("{text:?}: give NAME=URL"))?;
    let map = std::collections::BTreeMap::from([(name.to_owned(), url.to_owned())]);
    kinescope_core::firehose::functions::Functions::from_map(&map)?;
    Ok((name.to_owned(), url.to_owned()))
}
