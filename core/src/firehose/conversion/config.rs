//! `DataFormatConversionConfiguration` as the API carries it (reference B.8), the model's
//! constraints on it, and AWS's rules once it is enabled.

use super::deserializer::Deserializer;
use super::timestamps::TimestampFormat;
use crate::firehose::error::FirehoseError;
use crate::firehose::messages;
use crate::firehose::optional_shape::optional_shape;
use crate::validate::Validator;
use std::collections::BTreeMap;

optional_shape!(DataFormatConversionConfiguration {
    schema_configuration: SchemaConfiguration,
    input_format_configuration: InputFormatConfiguration,
    output_format_configuration: OutputFormatConfiguration,
    enabled: bool,
});
optional_shape!(SchemaConfiguration {
    #[serde(rename = "RoleARN")]
    role_arn: String,
    catalog_id: String,
    database_name: String,
    table_name: String,
    region: String,
    version_id: String,
});
optional_shape!(InputFormatConfiguration {
    deserializer: DeserializerConfig,
});
optional_shape!(DeserializerConfig {
    open_x_json_ser_de: OpenXJsonSerDe,
    hive_json_ser_de: HiveJsonSerDe,
});
optional_shape!(OpenXJsonSerDe {
    convert_dots_in_json_keys_to_underscores: bool,
    case_insensitive: bool,
    column_to_json_key_mappings: BTreeMap<String, String>,
});
optional_shape!(HiveJsonSerDe { timestamp_formats: Vec<String>, });
optional_shape!(OutputFormatConfiguration {
    serializer: SerializerConfig,
});
optional_shape!(SerializerConfig {
    parquet_ser_de: ParquetSerDe,
    orc_ser_de: OrcSerDe,
});
optional_shape!(ParquetSerDe {
    block_size_bytes: i64,
    page_size_bytes: i64,
    compression: String,
    enable_dictionary_compression: bool,
    max_padding_bytes: i64,
    writer_version: String,
});
optional_shape!(OrcSerDe {
    stripe_size_bytes: i64,
    block_size_bytes: i64,
    row_index_stride: i64,
    enable_padding: bool,
    padding_tolerance: f64,
    compression: String,
    bloom_filter_columns: Vec<String>,
    bloom_filter_false_positive_probability: f64,
    dictionary_key_threshold: f64,
    format_version: String,
});

/// Smallest SizeInMBs with conversion, and the default then (B.3).
pub const MIN_SIZE_IN_MBS: i64 = 64;
pub const DEFAULT_SIZE_IN_MBS: i64 = 128;

impl DataFormatConversionConfiguration {
    /// Whether conversion is on (Enabled defaults to true).
    pub fn is_enabled(&self) -> bool {
        self.enabled != Some(false)
    }
}

fn fraction(v: &mut Validator, member: &str, value: Option<f64>) {
    if let Some(x) = value
        && !(0.0..=1.0).contains(&x)
    {
        v.pattern_text(member, &x.to_string(), "0.0 <= x <= 1.0", false);
    }
}

fn enum_member(v: &mut Validator, member: &str, value: &Option<String>, allowed: &[&str]) {
    if value.is_some() {
        v.one_of(member, value, allowed);
    }
}

/// The model's constraints (ValidationException).
pub(crate) fn validate(v: &mut Validator, member: &str, c: &DataFormatConversionConfiguration) {
    let at = |m: &str| format!("{member}.{m}");
    if let Some(s) = &c.schema_configuration {
        for (name, value) in [
            ("roleARN", &s.role_arn),
            ("catalogId", &s.catalog_id),
            ("databaseName", &s.database_name),
            ("tableName", &s.table_name),
            ("region", &s.region),
            ("versionId", &s.version_id),
        ] {
            v.string(
                &at(&format!("schemaConfiguration.{name}")),
                value,
                1,
                1024,
                None,
            );
        }
    }
    let serializer = c
        .output_format_configuration
        .as_ref()
        .and_then(|o| o.serializer.as_ref());
    let serializer_at = |m: &str| at(&format!("outputFormatConfiguration.serializer.{m}"));
    if let Some(p) = serializer.and_then(|s| s.parquet_ser_de.as_ref()) {
        let at = |m: &str| serializer_at(&format!("parquetSerDe.{m}"));
        v.range(
            &at("blockSizeBytes"),
            p.block_size_bytes,
            67_108_864,
            i64::MAX,
        );
        v.range(&at("pageSizeBytes"), p.page_size_bytes, 65_536, i64::MAX);
        v.range(&at("maxPaddingBytes"), p.max_padding_bytes, 0, i64::MAX);
        enum_member(
            v,
            &at("compression"),
            &p.compression,
            &["UNCOMPRESSED", "GZIP", "SNAPPY"],
        );
        enum_member(v, &at("writerVersion"), &p.writer_version, &["V1", "V2"]);
    }
    if let Some(o) = serializer.and_then(|s| s.orc_ser_de.as_ref()) {
        let at = |m: &str| serializer_at(&format!("orcSerDe.{m}"));
        v.range(
            &at("stripeSizeBytes"),
            o.stripe_size_bytes,
            8_388_608,
            i64::MAX,
        );
        v.range(
            &at("blockSizeBytes"),
            o.block_size_bytes,
            67_108_864,
            i64::MAX,
        );
        v.range(&at("rowIndexStride"), o.row_index_stride, 1_000, i64::MAX);
        fraction(v, &at("paddingTolerance"), o.padding_tolerance);
        fraction(
            v,
            &at("bloomFilterFalsePositiveProbability"),
            o.bloom_filter_false_positive_probability,
        );
        fraction(v, &at("dictionaryKeyThreshold"), o.dictionary_key_threshold);
        enum_member(
            v,
            &at("compression"),
            &o.compression,
            &["NONE", "ZLIB", "SNAPPY"],
        );
        enum_member(
            v,
            &at("formatVersion"),
            &o.format_version,
            &["V0_11", "V0_12"],
        );
    }
}

/// What is written: Parquet or ORC, with the serializer's settings.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputFormat {
    Parquet(ParquetSerDe),
    Orc(OrcSerDe),
}

impl OutputFormat {
    /// The format and its compression as people say it: `Parquet (SNAPPY)`, `ORC (ZLIB)`.
    pub fn label(&self) -> String {
        match self {
            OutputFormat::Parquet(p) => {
                format!("Parquet ({})", p.compression.as_deref().unwrap_or("SNAPPY"))
            }
            OutputFormat::Orc(o) => {
                format!("ORC ({})", o.compression.as_deref().unwrap_or("SNAPPY"))
            }
        }
    }

    /// The object's extension (B.4).
    pub fn extension(&self) -> &'static str {
        match self {
            OutputFormat::Parquet(_) => ".parquet",
            OutputFormat::Orc(_) => ".orc",
        }
    }
}

/// An enabled conversion, checked: where the schema is, how JSON is read and what is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    pub schema: SchemaConfiguration,
    pub deserializer: Deserializer,
    pub output: OutputFormat,
}

/// AWS's rules for an enabled conversion (InvalidArgumentException); `None` when it is off.
pub fn check(
    config: Option<&DataFormatConversionConfiguration>,
) -> Result<Option<Conversion>, FirehoseError> {
    let Some(config) = config.filter(|c| c.is_enabled()) else {
        return Ok(None);
    };
    let (Some(schema), Some(input), Some(output)) = (
        &config.schema_configuration,
        &config.input_format_configuration,
        &config.output_format_configuration,
    ) else {
        return Err(messages::invalid(
            "SchemaConfiguration, InputFormatConfiguration and OutputFormatConfiguration are required when DataFormatConversionConfiguration is enabled.",
        ));
    };
    if schema.database_name.is_none() || schema.table_name.is_none() || schema.role_arn.is_none() {
        return Err(messages::invalid(
            "SchemaConfiguration must specify RoleARN, DatabaseName and TableName.",
        ));
    }
    let deserializer = match input
        .deserializer
        .as_ref()
        .map(|d| (d.open_x_json_ser_de.as_ref(), d.hive_json_ser_de.as_ref()))
    {
        Some((Some(openx), None)) => Deserializer::OpenX {
            dots_to_underscores: openx.convert_dots_in_json_keys_to_underscores == Some(true),
            case_insensitive: openx.case_insensitive != Some(false),
            key_of_column: openx
                .column_to_json_key_mappings
                .clone()
                .unwrap_or_default()
                .into_iter()
                .map(|(column, key)| (column.to_lowercase(), key))
                .collect(),
        },
        Some((None, Some(hive))) => Deserializer::Hive {
            timestamp_formats: hive
                .timestamp_formats
                .iter()
                .flatten()
                .map(|f| TimestampFormat::parse(f))
                .collect::<Result<_, _>>()
                .map_err(messages::invalid)?,
        },
        _ => {
            return Err(messages::invalid(
                "InputFormatConfiguration.Deserializer must specify exactly one of OpenXJsonSerDe and HiveJsonSerDe.",
            ));
        }
    };
    let output = match output
        .serializer
        .as_ref()
        .map(|s| (s.parquet_ser_de.as_ref(), s.orc_ser_de.as_ref()))
    {
        Some((Some(parquet), None)) => OutputFormat::Parquet(parquet.clone()),
        Some((None, Some(orc))) => OutputFormat::Orc(orc.clone()),
        _ => {
            return Err(messages::invalid(
                "OutputFormatConfiguration.Serializer must specify exactly one of ParquetSerDe and OrcSerDe.",
            ));
        }
    };
    Ok(Some(Conversion {
        schema: schema.clone(),
        deserializer,
        output,
    }))
}
