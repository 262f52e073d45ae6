//! Hive column types as a Glue table declares them (`int`, `varchar(20)`, `decimal(10,2)`,
//! `array<string>`, `map<string,int>`, `struct<a:int,b:string>`), and the Arrow type each is
//! written as.

use arrow_schema::{DataType, Field, Fields, TimeUnit};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HiveType {
    Boolean,
    TinyInt,
    SmallInt,
    Int,
    BigInt,
    Float,
    Double,
    Decimal { precision: u8, scale: i8 },
    String,
    Varchar(usize),
    Char(usize),
    Binary,
    Date,
    Timestamp,
    Array(Box<HiveType>),
    Map(Box<HiveType>, Box<HiveType>),
    Struct(Vec<(String, HiveType)>),
}

/// A cursor over a type's text.
struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn skip_spaces(&mut self) {
        while self.text[self.at..].starts_with(' ') {
            self.at += 1;
        }
    }

    fn word(&mut self) -> &'a str {
        self.skip_spaces();
        let rest = &self.text[self.at..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        self.at += len;
        &rest[..len]
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.skip_spaces();
        if self.text[self.at..].starts_with(c) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!(
                "expected '{c}' at position {} of type '{}'",
                self.at + 1,
                self.text
            ))
        }
    }

    fn peek(&mut self, c: char) -> bool {
        self.skip_spaces();
        self.text[self.at..].starts_with(c)
    }

    fn number(&mut self) -> Result<usize, String> {
        let word = self.word();
        word.parse()
            .map_err(|_| format!("expected a number in type '{}'", self.text))
    }

    fn parse(&mut self) -> Result<HiveType, String> {
        let word = self.word().to_ascii_lowercase();
        Ok(match word.as_str() {
            "boolean" => HiveType::Boolean,
            "tinyint" => HiveType::TinyInt,
            "smallint" => HiveType::SmallInt,
            "int" | "integer" => HiveType::Int,
            "bigint" => HiveType::BigInt,
            "float" => HiveType::Float,
            "double" => HiveType::Double,
            "string" => HiveType::String,
            "binary" => HiveType::Binary,
            "date" => HiveType::Date,
            "timestamp" => HiveType::Timestamp,
            "decimal" => {
                let (mut precision, mut scale) = (10, 0);
                if self.peek('(') {
                    self.expect('(')?;
                    precision = self.number()?;
                    if self.peek(',') {
                        self.expect(',')?;
                        scale = self.number()?;
                    }
                    self.expect(')')?;
                }
                if !(1..=38).contains(&precision) || scale > precision {
                    return Err(format!(
                        "decimal({precision},{scale}) is not a valid decimal type"
                    ));
                }
                HiveType::Decimal {
                    precision: precision as u8,
                    scale: scale as i8,
                }
            }
            "varchar" | "char" => {
                self.expect('(')?;
                let len = self.number()?;
                self.expect(')')?;
                if word == "varchar" {
                    HiveType::Varchar(len)
                } else {
                    HiveType::Char(len)
                }
            }
            "array" => {
                self.expect('<')?;
                let element = self.parse()?;
                self.expect('>')?;
                HiveType::Array(Box::new(element))
            }
            "map" => {
                self.expect('<')?;
                let key = self.parse()?;
                self.expect(',')?;
                let value = self.parse()?;
                self.expect('>')?;
                HiveType::Map(Box::new(key), Box::new(value))
            }
            "struct" => {
                self.expect('<')?;
                let mut fields = Vec::new();
                loop {
                    let name = self.word().to_ascii_lowercase();
                    if name.is_empty() {
                        return Err(format!("expected a field name in type '{}'", self.text));
                    }
                    self.expect(':')?;
                    fields.push((name, self.parse()?));
                    if self.peek('>') {
                        break;
                    }
                    self.expect(',')?;
                }
                self.expect('>')?;
                HiveType::Struct(fields)
            }
            other => return Err(format!("'{other}' is not a Hive type")),
        })
    }
}

impl HiveType {
    /// Parses a Glue column type.
    pub fn parse(text: &str) -> Result<HiveType, String> {
        let mut parser = Parser { text, at: 0 };
        let parsed = parser.parse()?;
        parser.skip_spaces();
        if parser.at != text.len() {
            return Err(format!("unexpected text after the type in '{text}'"));
        }
        Ok(parsed)
    }

    /// Whether the type holds one value (no array, map or struct).
    pub fn is_primitive(&self) -> bool {
        !matches!(self, Self::Array(_) | Self::Map(..) | Self::Struct(_))
    }

    /// The Arrow type the column is written as.
    pub fn arrow_type(&self) -> DataType {
        match self {
            Self::Boolean => DataType::Boolean,
            Self::TinyInt => DataType::Int8,
            Self::SmallInt => DataType::Int16,
            Self::Int => DataType::Int32,
            Self::BigInt => DataType::Int64,
            Self::Float => DataType::Float32,
            Self::Double => DataType::Float64,
            Self::Decimal { precision, scale } => DataType::Decimal128(*precision, *scale),
            Self::String | Self::Varchar(_) | Self::Char(_) => DataType::Utf8,
            Self::Binary => DataType::Binary,
            Self::Date => DataType::Date32,
            Self::Timestamp => DataType::Timestamp(TimeUnit::Millisecond, None),
            Self::Array(element) => {
                DataType::List(Arc::new(Field::new("element", element.arrow_type(), true)))
            }
            Self::Map(key, value) => {
                let entries = Fields::from(vec![
                    Field::new("key", key.arrow_type(), false),
                    Field::new("value", value.arrow_type(), true),
                ]);
                DataType::Map(
                    Arc::new(Field::new("key_value", DataType::Struct(entries), false)),
                    false,
                )
            }
            Self::Struct(fields) => DataType::Struct(Fields::from(
                fields
                    .iter()
                    .map(|(name, ty)| Field::new(name, ty.arrow_type(), true))
                    .collect::<Vec<_>>(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::HiveType;

    #[test]
    fn glue_types_parse() {
        assert_eq!(HiveType::parse("int"), Ok(HiveType::Int));
        assert_eq!(HiveType::parse("INTEGER"), Ok(HiveType::Int));
        assert_eq!(HiveType::parse("varchar(20)"), Ok(HiveType::Varchar(20)));
        assert_eq!(
            HiveType::parse("decimal(10, 2)"),
            Ok(HiveType::Decimal {
                precision: 10,
                scale: 2
            })
        );
        assert_eq!(
            HiveType::parse("map<string,array<int>>"),
            Ok(HiveType::Map(
                Box::new(HiveType::String),
                Box::new(HiveType::Array(Box::new(HiveType::Int)))
            ))
        );
        assert_eq!(
            HiveType::parse("struct<a:int, B:string>"),
            Ok(HiveType::Struct(vec![
                ("a".into(), HiveType::Int),
                ("b".into(), HiveType::String)
            ]))
        );
        assert!(HiveType::parse("uuid").is_err());
        assert!(HiveType::parse("array<int").is_err());
        assert!(HiveType::parse("decimal(50,2)").is_err());
        assert!(HiveType::parse("int extra").is_err());
    }
}
