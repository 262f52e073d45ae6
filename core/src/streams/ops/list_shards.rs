//! ListShards with every ShardFilter type and its NextToken rules (reference A.8).

use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::shapes::{Shard, ShardId};
use crate::streams::shard::ShardState;
use crate::streams::stream::StreamState;
use crate::streams::token::{TOKEN_LIFETIME_MS, TokenWriter};
use crate::time::Timestamp;
use crate::validate::{Pattern, Validator};
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

const LIST_SHARDS_TOKEN: u8 = 2;
/// Shards one ListShards returns at most.
pub const LIST_SHARDS_MAX: usize = 1_000;

/// ShardFilter types as AWS lists them.
const SHARD_FILTER_TYPES: &[&str] = &[
    "AFTER_SHARD_ID",
    "AT_TRIM_HORIZON",
    "FROM_TRIM_HORIZON",
    "AT_LATEST",
    "AT_TIMESTAMP",
    "FROM_TIMESTAMP",
];

/// ShardFilter types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ShardFilterType {
    AfterShardId,
    AtTrimHorizon,
    FromTrimHorizon,
    AtLatest,
    AtTimestamp,
    FromTimestamp,
}

impl ShardFilterType {
    fn code(self) -> u64 {
        self as u64
    }

    fn from_code(code: u64) -> Option<Self> {
        [
            Self::AfterShardId,
            Self::AtTrimHorizon,
            Self::FromTrimHorizon,
            Self::AtLatest,
            Self::AtTimestamp,
            Self::FromTimestamp,
        ]
        .into_iter()
        .find(|t| t.code() == code)
    }
}

/// ListShards' ShardFilter.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ShardFilter {
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    pub shard_id: Option<String>,
    pub timestamp: Option<Timestamp>,
}

/// ListShards.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListShardsInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub next_token: Option<String>,
    pub exclusive_start_shard_id: Option<String>,
    pub max_results: Option<i64>,
    pub stream_creation_timestamp: Option<Timestamp>,
    pub shard_filter: Option<ShardFilter>,
}

impl ListShardsInput {
    /// Lists the named stream's shards.
    pub fn named(name: &str) -> Self {
        Self {
            stream_name: Some(name.into()),
            ..Self::default()
        }
    }

    /// With a filter of `kind`.
    pub fn filtered(
        mut self,
        kind: ShardFilterType,
        shard_id: Option<ShardId>,
        timestamp: Option<Timestamp>,
    ) -> Self {
        self.shard_filter = Some(ShardFilter {
            kind: serde_json::to_value(kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned)),
            shard_id: shard_id.map(|s| s.to_string()),
            timestamp,
        });
        self
    }
}

/// ListShards' output.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListShardsOutput {
    pub shards: Vec<Shard>,
    pub next_token: Option<String>,
}

/// A resolved listing: which stream, which filter, and where the previous page stopped.
struct Query {
    stream: String,
    stream_created_ms: i64,
    filter: ShardFilterType,
    filter_ms: i64,
    after: Option<u32>,
}

fn invalid(message: &str) -> KinesisError {
    KinesisError::InvalidArgumentException(message.into())
}

/// Whether `shard` passes `filter` (A.8).
fn passes(
    stream: &StreamState,
    shard: &ShardState,
    filter: ShardFilterType,
    at_ms: i64,
    now_ms: i64,
) -> bool {
    let open_at = |t: i64| shard.created_ms <= t && shard.closed_ms.is_none_or(|c| c >= t);
    match filter {
        ShardFilterType::AfterShardId | ShardFilterType::FromTrimHorizon => true,
        ShardFilterType::AtLatest => shard.is_open(),
        ShardFilterType::AtTrimHorizon => {
            open_at((now_ms - stream.retention_ms()).max(stream.created_ms))
        }
        ShardFilterType::AtTimestamp => open_at(at_ms.max(stream.created_ms)),
        ShardFilterType::FromTimestamp => shard.closed_ms.is_none_or(|c| c >= at_ms),
    }
}

impl World {
    fn list_shards_query(&self, input: &ListShardsInput) -> KinesisResult<Query> {
        if let Some(token) = &input.next_token {
            if input.stream_name.is_some() || input.stream_arn.is_some() {
                return Err(invalid(
                    "NextToken and StreamName cannot be provided together.",
                ));
            }
            if input.exclusive_start_shard_id.is_some()
                || input.shard_filter.is_some()
                || input.stream_creation_timestamp.is_some()
            {
                return Err(invalid(
                    "NextToken cannot be provided together with ExclusiveStartShardId, ShardFilter or StreamCreationTimestamp.",
                ));
            }
            return self.open_shards_token(token);
        }
        if input.stream_name.is_none() && input.stream_arn.is_none() {
            return Err(invalid(
                "Either NextToken or StreamName should be provided.",
            ));
        }
        let name =
            self.resolve_stream_name(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let stream = self.stream_named(&name)?;
        if input
            .stream_creation_timestamp
            .is_some_and(|t| t.millis() / 1_000 != stream.created_ms / 1_000)
        {
            return Err(crate::streams::messages::stream_not_found(
                &name,
                self.account_id(),
            ));
        }
        let filter = input.shard_filter.clone().unwrap_or_default();
        let kind = filter
            .kind
            .as_deref()
            .and_then(|k| serde_json::from_value(serde_json::Value::String(k.to_owned())).ok())
            .unwrap_or(ShardFilterType::FromTrimHorizon);
        let is_time = matches!(
            kind,
            ShardFilterType::AtTimestamp | ShardFilterType::FromTimestamp
        );
        if kind == ShardFilterType::AfterShardId && filter.shard_id.is_none() {
            return Err(invalid(
                "ShardId must be supplied in a ShardFilter with a Type of AFTER_SHARD_ID",
            ));
        }
        if kind != ShardFilterType::AfterShardId && filter.shard_id.is_some() {
            return Err(invalid(
                "ShardId may only be supplied in a ShardFilter with a Type of AFTER_SHARD_ID",
            ));
        }
        if is_time && filter.timestamp.is_none() {
            return Err(invalid(
                "Timestamp must be supplied in a ShardFilter with a Type of FROM_TIMESTAMP or AT_TIMESTAMP",
            ));
        }
        if !is_time && filter.timestamp.is_some() {
            return Err(invalid(
                "Timestamp may only be supplied in a ShardFilter with a Type of FROM_TIMESTAMP or AT_TIMESTAMP",
            ));
        }
        let after_id = filter
            .shard_id
            .as_deref()
            .or(input.exclusive_start_shard_id.as_deref());
        let after = match after_id {
            Some(text) => Some(
                ShardId::parse(text)
                    .ok_or_else(|| invalid(&format!("Invalid ShardId {text}")))?
                    .0,
            ),
            None => None,
        };
        Ok(Query {
            stream: name,
            stream_created_ms: stream.created_ms,
            filter: kind,
            filter_ms: filter.timestamp.map_or(0, Timestamp::millis),
            after,
        })
    }

    fn seal_shards_token(&self, q: &Query, last: u32) -> String {
        let body = TokenWriter::default()
            .i64(self.now_ms())
            .i64(q.stream_created_ms)
            .u64(q.filter.code())
            .i64(q.filter_ms)
            .u64(u64::from(last))
            .str(&q.stream);
        self.sealer().seal(LIST_SHARDS_TOKEN, body)
    }

    fn open_shards_token(&self, token: &str) -> KinesisResult<Query> {
        let bad = || invalid(&format!("Invalid NextToken: {token}"));
        let mut scratch = Vec::new();
        let mut r = self
            .sealer()
            .open(LIST_SHARDS_TOKEN, token, &mut scratch)
            .ok_or_else(bad)?;
        let issued = r.i64().ok_or_else(bad)?;
        let stream_created_ms = r.i64().ok_or_else(bad)?;
        let filter = r
            .u64()
            .and_then(ShardFilterType::from_code)
            .ok_or_else(bad)?;
        let filter_ms = r.i64().ok_or_else(bad)?;
        let last = r.u64().ok_or_else(bad)? as u32;
        let stream = r.str().ok_or_else(bad)?.to_owned();
        if self.now_ms() - issued > TOKEN_LIFETIME_MS {
            return Err(KinesisError::ExpiredNextTokenException(format!(
                "The NextToken has expired. It was issued at {} and tokens are valid for 300 seconds.",
                Timestamp(issued).java_date_string()
            )));
        }
        Ok(Query {
            stream,
            stream_created_ms,
            filter,
            filter_ms,
            after: Some(last),
        })
    }
}

impl Operation for ListShardsInput {
    type Output = ListShardsOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<ListShardsOutput> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        v.string("nextToken", &self.next_token, 1, 1_048_576, None);
        v.string(
            "exclusiveStartShardId",
            &self.exclusive_start_shard_id,
            1,
            128,
            Some(Pattern::Name),
        );
        v.range("maxResults", self.max_results, 1, 10_000);
        if let Some(filter) = &self.shard_filter {
            v.required("shardFilter.type", &filter.kind);
            v.parse_enum::<ShardFilterType>(
                "shardFilter.type",
                filter.kind.as_deref(),
                SHARD_FILTER_TYPES,
            );
            v.string(
                "shardFilter.shardId",
                &filter.shard_id,
                1,
                128,
                Some(Pattern::Name),
            );
        }
        v.finish()?;
        let query = world.list_shards_query(&self)?;
        let stream = world
            .kinesis
            .streams
            .get(&query.stream)
            .filter(|s| s.created_ms == query.stream_created_ms)
            .ok_or_else(|| {
                crate::streams::messages::stream_not_found(&query.stream, world.account_id())
            })?;
        let now = world.now_ms();
        let limit =
            (self.max_results.unwrap_or(LIST_SHARDS_MAX as i64) as usize).min(LIST_SHARDS_MAX);
        let mut matching = stream
            .shards
            .iter()
            .filter(|s| !s.expired && query.after.is_none_or(|a| s.id.0 > a))
            .filter(|s| passes(stream, s, query.filter, query.filter_ms, now));
        let page: Vec<&ShardState> = matching.by_ref().take(limit).collect();
        let more = matching.next().is_some();
        let next_token = match (more, page.last()) {
            (true, Some(last)) => Some(world.seal_shards_token(&query, last.id.0)),
            _ => None,
        };
        Ok(ListShardsOutput {
            shards: page.iter().map(|s| s.describe()).collect(),
            next_token,
        })
    }
}
