//! A COPY command's options (CopyCommand.CopyOptions, Redshift's COPY syntax) read into what the
//! load does: the data format, the compression, and the conversion rules Kinescope applies. An
//! option Redshift has and Kinescope does not apply is refused by name, never ignored silently;
//! options that only tune Redshift itself (statistics, compression analysis, region) are taken.

/// How an object's bytes become rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataFormat {
    /// Text lines with one delimiter between fields (`|` unless DELIMITER says otherwise).
    Delimited { delimiter: char },
    /// CSV: the delimiter (`,` unless DELIMITER says otherwise) and the quote character.
    Csv { delimiter: char, quote: char },
    /// JSON objects, their members matched to columns by name (`'auto'`, or `'auto ignorecase'`).
    JsonAuto { ignore_case: bool },
}

/// How timestamps written as numbers are read (TIMEFORMAT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeFormat {
    /// As written (`'auto'`, or no TIMEFORMAT).
    #[default]
    AsWritten,
    EpochSeconds,
    EpochMillis,
}

/// Everything the options ask of the load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyPlan {
    pub format: DataFormat,
    pub gzip: bool,
    /// Lines skipped at the start of each object.
    pub ignore_header: usize,
    /// Rows that may fail before the COPY does.
    pub max_error: usize,
    /// The text standing for NULL in delimited text (`\N` unless NULL AS says otherwise).
    pub null_as: String,
    pub empty_as_null: bool,
    pub blanks_as_null: bool,
    pub trim_blanks: bool,
    pub remove_quotes: bool,
    /// Backslash escapes the next character (delimited text).
    pub escape: bool,
    pub fill_record: bool,
    pub ignore_blank_lines: bool,
    pub time_format: TimeFormat,
}

impl Default for CopyPlan {
    fn default() -> Self {
        Self {
            format: DataFormat::Delimited { delimiter: '|' },
            gzip: false,
            ignore_header: 0,
            max_error: 0,
            null_as: "\\N".into(),
            empty_as_null: false,
            blanks_as_null: false,
            trim_blanks: false,
            remove_quotes: false,
            escape: false,
            fill_record: false,
            ignore_blank_lines: false,
            time_format: TimeFormat::AsWritten,
        }
    }
}

/// Why options cannot be used: Firehose's error code and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionsError {
    pub code: &'static str,
    pub message: String,
}

const CONFLICT: &str = "Redshift.IncorrectCopyOptions";
const SYNTAX: &str = "Redshift.SyntaxError";

fn conflict(message: impl Into<String>) -> OptionsError {
    OptionsError {
        code: CONFLICT,
        message: message.into(),
    }
}

fn syntax(message: impl Into<String>) -> OptionsError {
    OptionsError {
        code: SYNTAX,
        message: message.into(),
    }
}

/// A word or a quoted text of the options.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
}

fn tokens(options: &str) -> Result<Vec<Token>, OptionsError> {
    let mut out = Vec::new();
    let mut chars = options.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() || c == ';' {
            chars.next();
        } else if c == '\'' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    Some('\'') if chars.peek() == Some(&'\'') => {
                        chars.next();
                        text.push('\'');
                    }
                    Some('\'') => break,
                    Some('\\') => match chars.next() {
                        Some('t') => text.push('\t'),
                        Some(other) => {
                            text.push('\\');
                            text.push(other);
                        }
                        None => text.push('\\'),
                    },
                    Some(other) => text.push(other),
                    None => return Err(syntax("unterminated quoted string in COPY options")),
                }
            }
            out.push(Token::Quoted(text));
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '\'' || c == ';' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            out.push(Token::Word(word.to_ascii_uppercase()));
        }
    }
    Ok(out)
}

/// Options Redshift has that Kinescope does not apply.
const NOT_EMULATED: [&str; 16] = [
    "FIXEDWIDTH",
    "AVRO",
    "PARQUET",
    "ORC",
    "SHAPEFILE",
    "BZIP2",
    "LZOP",
    "ZSTD",
    "TRUNCATECOLUMNS",
    "EXPLICIT_IDS",
    "ROUNDEC",
    "ACCEPTANYDATE",
    "DATEFORMAT",
    "ENCRYPTED",
    "READRATIO",
    "NOLOAD",
];
/// Options that only tune Redshift itself: taken, with nothing to do here.
const TUNING: [&str; 4] = ["COMPUPDATE", "STATUPDATE", "REGION", "ACCEPTINVCHARS"];

struct Reader {
    tokens: std::vec::IntoIter<Token>,
    peeked: Option<Token>,
}

impl Reader {
    fn next(&mut self) -> Option<Token> {
        self.peeked.take().or_else(|| self.tokens.next())
    }

    fn peek(&mut self) -> Option<&Token> {
        if self.peeked.is_none() {
            self.peeked = self.tokens.next();
        }
        self.peeked.as_ref()
    }

    /// Skips an optional `AS`.
    fn skip_as(&mut self) {
        if self.peek() == Some(&Token::Word("AS".into())) {
            self.next();
        }
    }

    fn quoted(&mut self, option: &str) -> Result<String, OptionsError> {
        self.skip_as();
        match self.next() {
            Some(Token::Quoted(text)) => Ok(text),
            _ => Err(syntax(format!("{option} needs a quoted value"))),
        }
    }

    fn number(&mut self, option: &str) -> Result<usize, OptionsError> {
        self.skip_as();
        match self.next() {
            Some(Token::Word(n)) => n
                .parse()
                .map_err(|_| syntax(format!("{option} needs a number, not {n}"))),
            _ => Err(syntax(format!("{option} needs a number"))),
        }
    }

    /// The optional value after a tuning option (`ON`, `OFF`, `TRUE`, a quoted text ...).
    fn skip_value(&mut self) {
        self.skip_as();
        match self.peek() {
            Some(Token::Quoted(_)) => {
                self.next();
            }
            Some(Token::Word(w))
                if ["ON", "OFF", "TRUE", "FALSE", "PRESET"].contains(&w.as_str()) =>
            {
                self.next();
            }
            _ => {}
        }
    }
}

fn single_char(option: &str, text: &str) -> Result<char, OptionsError> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii() => Ok(c),
        _ => Err(conflict(format!(
            "{option} must be a single ASCII character"
        ))),
    }
}

/// Reads `options` (CopyCommand.CopyOptions) into a plan.
pub fn parse(options: &str) -> Result<CopyPlan, OptionsError> {
    let mut reader = Reader {
        tokens: tokens(options)?.into_iter(),
        peeked: None,
    };
    let mut plan = CopyPlan::default();
    let (mut json, mut csv, mut delimiter, mut quote) = (None, false, None, None);
    while let Some(token) = reader.next() {
        let Token::Word(word) = token else {
            return Err(syntax("a quoted value stands where an option is expected"));
        };
        match word.as_str() {
            "FORMAT" => {
                reader.skip_as();
                match reader.next() {
                    Some(Token::Word(w)) if w == "CSV" => csv = true,
                    Some(Token::Word(w)) if w == "JSON" => json = Some(reader.quoted("JSON")?),
                    Some(Token::Word(w)) if NOT_EMULATED.contains(&w.as_str()) => {
                        return Err(not_emulated(&w));
                    }
                    _ => return Err(syntax("FORMAT needs CSV or JSON")),
                }
            }
            "JSON" => json = Some(reader.quoted("JSON")?),
            "CSV" => csv = true,
            "QUOTE" => quote = Some(single_char("QUOTE", &reader.quoted("QUOTE")?)?),
            "DELIMITER" => {
                delimiter = Some(single_char("DELIMITER", &reader.quoted("DELIMITER")?)?)
            }
            "GZIP" => plan.gzip = true,
            "IGNOREHEADER" => plan.ignore_header = reader.number("IGNOREHEADER")?,
            "MAXERROR" => plan.max_error = reader.number("MAXERROR")?,
            "NULL" => plan.null_as = reader.quoted("NULL AS")?,
            "EMPTYASNULL" => plan.empty_as_null = true,
            "BLANKSASNULL" => plan.blanks_as_null = true,
            "TRIMBLANKS" => plan.trim_blanks = true,
            "REMOVEQUOTES" => plan.remove_quotes = true,
            "ESCAPE" => plan.escape = true,
            "FILLRECORD" => plan.fill_record = true,
            "IGNOREBLANKLINES" => plan.ignore_blank_lines = true,
            "TIMEFORMAT" => {
                let format = reader.quoted("TIMEFORMAT")?;
                plan.time_format = match format.to_ascii_lowercase().as_str() {
                    "auto" | "yyyy-mm-dd hh:mi:ss" => TimeFormat::AsWritten,
                    "epochsecs" => TimeFormat::EpochSeconds,
                    "epochmillisecs" => TimeFormat::EpochMillis,
                    _ => {
                        return Err(conflict(format!(
                            "Kinescope reads TIMEFORMAT 'auto', 'epochsecs' and 'epochmillisecs', not '{format}'"
                        )));
                    }
                };
            }
            "MANIFEST" => {}
            w if TUNING.contains(&w) => reader.skip_value(),
            w if NOT_EMULATED.contains(&w) => return Err(not_emulated(w)),
            other => return Err(syntax(format!("unknown COPY option {other}"))),
        }
    }
    plan.format = match (json, csv) {
        (Some(_), true) => return Err(conflict("JSON and CSV cannot be used together")),
        (Some(_), false) if delimiter.is_some() => {
            return Err(conflict("DELIMITER cannot be used with JSON"));
        }
        (Some(argument), false) => match argument.to_ascii_lowercase().as_str() {
            "auto" => DataFormat::JsonAuto { ignore_case: false },
            "auto ignorecase" => DataFormat::JsonAuto { ignore_case: true },
            _ => {
                return Err(conflict(format!(
                    "Kinescope reads JSON 'auto' and JSON 'auto ignorecase', not JSON '{argument}' (JSONPaths files and 'noshred')"
                )));
            }
        },
        (None, true) => {
            if plan.escape || plan.remove_quotes {
                return Err(conflict("ESCAPE and REMOVEQUOTES cannot be used with CSV"));
            }
            DataFormat::Csv {
                delimiter: delimiter.unwrap_or(','),
                quote: quote.unwrap_or('"'),
            }
        }
        (None, false) if quote.is_some() => return Err(conflict("QUOTE needs CSV")),
        (None, false) => DataFormat::Delimited {
            delimiter: delimiter.unwrap_or('|'),
        },
    };
    Ok(plan)
}

fn not_emulated(option: &str) -> OptionsError {
    conflict(format!(
        "Kinescope does not emulate the COPY option {option}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_options_read_as_redshift_reads_them() {
        let plan =
            parse("JSON 'auto' GZIP TIMEFORMAT 'auto' COMPUPDATE OFF STATUPDATE OFF").unwrap();
        assert_eq!(plan.format, DataFormat::JsonAuto { ignore_case: false });
        assert!(plan.gzip);
        let plan = parse("format as json 'auto ignorecase'").unwrap();
        assert_eq!(plan.format, DataFormat::JsonAuto { ignore_case: true });
        let plan = parse("CSV QUOTE AS '''' DELIMITER ';' IGNOREHEADER 1 MAXERROR AS 5").unwrap();
        assert_eq!(
            plan.format,
            DataFormat::Csv {
                delimiter: ';',
                quote: '\''
            }
        );
        assert_eq!((plan.ignore_header, plan.max_error), (1, 5));
        let plan = parse("delimiter '\\t' NULL AS 'nil' EMPTYASNULL").unwrap();
        assert_eq!(plan.format, DataFormat::Delimited { delimiter: '\t' });
        assert_eq!(plan.null_as, "nil");
        assert!(plan.empty_as_null);
        assert_eq!(parse("").unwrap(), CopyPlan::default());
    }

    #[test]
    fn conflicting_unknown_and_unemulated_options_are_refused_by_name() {
        let code = |options: &str| parse(options).unwrap_err().code;
        assert_eq!(code("JSON 'auto' CSV"), CONFLICT);
        assert_eq!(code("JSON 'auto' DELIMITER ','"), CONFLICT);
        assert_eq!(code("CSV ESCAPE"), CONFLICT);
        assert_eq!(code("DELIMITER ',,'"), CONFLICT);
        assert_eq!(code("JSON 's3://bucket/paths.json'"), CONFLICT);
        assert_eq!(code("FLUBBER"), SYNTAX);
        assert_eq!(code("NULL AS"), SYNTAX);
        assert_eq!(code("DELIMITER 'x"), SYNTAX);
        let error = parse("BZIP2").unwrap_err();
        assert_eq!(
            error.message,
            "Kinescope does not emulate the COPY option BZIP2"
        );
    }
}
