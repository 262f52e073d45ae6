//! The questions a lesson asks of the engine, written over the run's JSON report (the one
//! `kinescope run --report` writes): a path into it, with `*` for every element of an array and
//! `name=value` for the element whose field has that value, `last` for an array's last element
//! (a path to one piece of text answers with that text), and a few functions around paths —
//! `delta(q)` and `rate(q)` (the change since the previous step, and per second), `sum`, `max`,
//! `min`, `avg`, `count`, and `argmax(q, field)` / `argmin(q, field)` naming the element.
//!
//! `/streams/name=clicks/shards/*/WriteProvisionedThroughputExceeded` is each shard's count;
//! `argmax(delta(/streams/0/shards/*/IncomingRecords), shard_id)` the shard that took most since
//! the last step.

use serde_json::Value;
use std::fmt;

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    Path(Vec<Segment>),
    Delta(Box<Query>),
    Rate(Box<Query>),
    Fold(Fold, Box<Query>),
    Pick {
        best: Best,
        of: Box<Query>,
        field: String,
    },
    /// `percent(part, whole)`: 100 × part / whole, both single numbers.
    Percent(Box<Query>, Box<Query>),
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Field(String),
    Index(usize),
    /// `last`: an array's last element.
    Last,
    Every,
    Where {
        field: String,
        value: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fold {
    Sum,
    Max,
    Min,
    Avg,
    Count,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Best {
    Max,
    Min,
}

/// What a query answers: a number, or the name of an element.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Number(f64),
    Label(String),
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => write!(f, "{n:.0}"),
            Answer::Number(n) => write!(f, "{n:.3}"),
            Answer::Label(l) => f.write_str(l),
        }
    }
}

/// The reports a query reads: the step's moment, and the previous step's (for `delta` and `rate`).
#[derive(Debug, Clone, Copy)]
pub struct Moments<'a> {
    pub now: &'a Value,
    pub before: &'a Value,
    pub seconds: f64,
}

impl<'a> Moments<'a> {
    /// From the report `before` to the report `now`, the time between read from both (their
    /// `virtual_ms`): the moment a step is judged at, however time got there.
    pub fn between(before: &'a Value, now: &'a Value) -> Moments<'a> {
        let ms = |report: &Value| report["virtual_ms"].as_f64().unwrap_or(0.0);
        Moments {
            now,
            before,
            seconds: (ms(now) - ms(before)) / 1_000.0,
        }
    }
}

/// One matched element: the array element the last `*` or `name=` stood on (for `argmax`'s
/// field), and the value found under it.
#[derive(Debug, Clone)]
struct Item<'a> {
    element: Option<&'a Value>,
    value: f64,
}

impl Query {
    /// Parses `text`; the error says what is wrong and where.
    pub fn parse(text: &str) -> Result<Query, String> {
        let text = text.trim();
        if text.starts_with('/') {
            return parse_path(text);
        }
        let open = text
            .find('(')
            .ok_or_else(|| format!("{text:?}: expected a /path or a function such as sum(…)"))?;
        if !text.ends_with(')') {
            return Err(format!("{text:?}: a function call ends with )"));
        }
        let name = text[..open].trim();
        let inner = &text[open + 1..text.len() - 1];
        let fold = |f| Ok(Query::Fold(f, Box::new(Query::parse(inner)?)));
        let pick = |best| {
            let (of, field) = inner
                .rsplit_once(',')
                .ok_or_else(|| format!("{name}(query, field) names the field to answer with"))?;
            Ok(Query::Pick {
                best,
                of: Box::new(Query::parse(of)?),
                field: field.trim().to_owned(),
            })
        };
        match name {
            "delta" => Ok(Query::Delta(Box::new(Query::parse(inner)?))),
            "rate" => Ok(Query::Rate(Box::new(Query::parse(inner)?))),
            "sum" => fold(Fold::Sum),
            "max" => fold(Fold::Max),
            "min" => fold(Fold::Min),
            "avg" => fold(Fold::Avg),
            "count" => fold(Fold::Count),
            "percent" => {
                let (part, whole) = split_top_level(inner)
                    .ok_or_else(|| "percent(part, whole) takes two queries".to_owned())?;
                Ok(Query::Percent(
                    Box::new(Query::parse(part)?),
                    Box::new(Query::parse(whole)?),
                ))
            }
            "argmax" => pick(Best::Max),
            "argmin" => pick(Best::Min),
            other => Err(format!(
                "unknown function {other:?}: delta, rate, sum, max, min, avg, count, percent, argmax, argmin"
            )),
        }
    }

    /// The answer at these moments: one number (a path matching one value, or a fold), or a
    /// name (argmax/argmin); a path matching several values must be folded.
    pub fn answer(&self, at: Moments<'_>) -> Result<Answer, String> {
        if let Query::Pick { best, of, field } = self {
            let items = of.items(at)?;
            let chosen = items.iter().filter(|i| i.value.is_finite()).reduce(|a, b| {
                let better = match best {
                    Best::Max => b.value > a.value,
                    Best::Min => b.value < a.value,
                };
                if better { b } else { a }
            });
            let chosen = chosen.ok_or_else(|| format!("{self}: nothing matched"))?;
            // A tie names no one element: the question has no single answer.
            let ties = items.iter().filter(|i| i.value == chosen.value).count();
            if ties > 1 {
                return Err(format!("{self}: {ties} elements tie at {}", chosen.value));
            }
            let label = chosen
                .element
                .and_then(|e| e.get(field))
                .ok_or_else(|| format!("{self}: the element has no field {field:?}"))?;
            return Ok(Answer::Label(match label {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }));
        }
        if let Query::Percent(part, whole) = self {
            let (Answer::Number(part), Answer::Number(whole)) =
                (part.answer(at)?, whole.answer(at)?)
            else {
                return Err(format!("{self}: both sides must be numbers"));
            };
            if whole == 0.0 {
                return Err(format!("{self}: the whole is 0"));
            }
            return Ok(Answer::Number(100.0 * part / whole));
        }
        if let Query::Path(path) = self {
            // A path to one piece of text answers with it (a state, a reason, an owner).
            let mut found = Vec::new();
            walk(at.now, path, None, &mut found);
            if let [(_, Value::String(text))] = found.as_slice() {
                return Ok(Answer::Label(text.clone()));
            }
        }
        match self.items(at)?.as_slice() {
            [one] => Ok(Answer::Number(one.value)),
            [] => Err(format!("{self}: nothing matched")),
            many => Err(format!(
                "{self}: matched {} values; fold them with sum, max, min, avg or count",
                many.len()
            )),
        }
    }

    fn items<'a>(&self, at: Moments<'a>) -> Result<Vec<Item<'a>>, String> {
        match self {
            Query::Path(path) => {
                let mut found = Vec::new();
                walk(at.now, path, None, &mut found);
                found
                    .into_iter()
                    .map(|(element, value)| {
                        let value = match value {
                            Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
                            Value::Bool(b) => f64::from(u8::from(*b)),
                            other => return Err(format!("{self} is {other}, not a number")),
                        };
                        Ok(Item { element, value })
                    })
                    .collect()
            }
            Query::Delta(inner) | Query::Rate(inner) => {
                let now = inner.items(at)?;
                let earlier = Moments {
                    now: at.before,
                    ..at
                };
                let before = inner.items(earlier).unwrap_or_default();
                let per = match self {
                    Query::Rate(_) if at.seconds > 0.0 => at.seconds,
                    Query::Rate(_) => {
                        return Err(format!("{self}: no time passed since the last step"));
                    }
                    _ => 1.0,
                };
                Ok(now
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        // The same element before: by its id when it has one (lists reorder and
                        // grow as shards split), else by place; a new one started from 0.
                        let was = match identity(item.element) {
                            Some(id) => before.iter().find(|b| identity(b.element) == Some(id)),
                            None => before.get(i),
                        };
                        let was = was.map_or(0.0, |b| b.value);
                        Item {
                            element: item.element,
                            value: (item.value - was) / per,
                        }
                    })
                    .collect())
            }
            Query::Fold(Fold::Count, inner) => {
                // Counting takes anything a path reaches: shards, records, applications.
                let count = match inner.as_ref() {
                    Query::Path(path) => {
                        let mut found = Vec::new();
                        walk(at.now, path, None, &mut found);
                        found.len()
                    }
                    other => other.items(at)?.len(),
                };
                Ok(vec![Item {
                    element: None,
                    value: count as f64,
                }])
            }
            Query::Fold(fold, inner) => {
                let values: Vec<f64> = inner.items(at)?.iter().map(|i| i.value).collect();
                // A mistyped path must not pass as a sum of 0 or a max of minus infinity.
                if values.is_empty() {
                    return Err(format!("{self}: nothing matched"));
                }
                let value = match fold {
                    Fold::Count => values.len() as f64,
                    Fold::Sum => values.iter().sum(),
                    Fold::Avg => values.iter().sum::<f64>() / values.len() as f64,
                    Fold::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    Fold::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
                };
                Ok(vec![Item {
                    element: None,
                    value,
                }])
            }
            Query::Pick { .. } => Err(format!("{self} names an element; it has no number")),
            Query::Percent(..) => match self.answer(at)? {
                Answer::Number(value) => Ok(vec![Item {
                    element: None,
                    value,
                }]),
                Answer::Label(_) => Err(format!("{self} is not a number")),
            },
        }
    }
}

/// What names an element across moments: a shard's id, a lease's key, or a name.
fn identity(element: Option<&Value>) -> Option<&str> {
    let element = element?;
    ["shard_id", "leaseKey", "name"]
        .iter()
        .find_map(|field| element.get(*field)?.as_str())
}

/// `a, b` split at its one comma outside parentheses.
fn split_top_level(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => return Some((&text[..i], &text[i + 1..])),
            _ => {}
        }
    }
    None
}

fn parse_path(text: &str) -> Result<Query, String> {
    let segments = text[1..]
        .split('/')
        .map(|part| {
            let part = part.trim();
            if part.is_empty() {
                return Err(format!("{text:?}: an empty step in the path"));
            }
            Ok(match part {
                "*" => Segment::Every,
                "last" => Segment::Last,
                _ if part.bytes().all(|b| b.is_ascii_digit()) => {
                    Segment::Index(part.parse().map_err(|_| format!("{part}: too large"))?)
                }
                _ => match part.split_once('=') {
                    Some((field, value)) => Segment::Where {
                        field: field.to_owned(),
                        value: value.to_owned(),
                    },
                    None => Segment::Field(part.to_owned()),
                },
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Query::Path(segments))
}

/// Every value `path` reaches from `value`, with the array element last chosen on the way.
fn walk<'a>(
    value: &'a Value,
    path: &[Segment],
    element: Option<&'a Value>,
    found: &mut Vec<(Option<&'a Value>, &'a Value)>,
) {
    let Some((first, rest)) = path.split_first() else {
        found.push((element, value));
        return;
    };
    match (first, value) {
        (Segment::Field(name), Value::Object(map)) => {
            if let Some(next) = map.get(name) {
                walk(next, rest, element, found);
            }
        }
        (Segment::Index(i), Value::Array(items)) => {
            if let Some(next) = items.get(*i) {
                walk(next, rest, Some(next), found);
            }
        }
        (Segment::Last, Value::Array(items)) => {
            if let Some(next) = items.last() {
                walk(next, rest, Some(next), found);
            }
        }
        (Segment::Every, Value::Array(items)) => {
            for next in items {
                walk(next, rest, Some(next), found);
            }
        }
        (Segment::Where { field, value: want }, Value::Array(items)) => {
            let matches = |item: &&Value| match item.get(field) {
                Some(Value::String(s)) => s == want,
                Some(other) => want.as_str() == other.to_string().as_str(),
                None => false,
            };
            for next in items.iter().filter(matches) {
                walk(next, rest, Some(next), found);
            }
        }
        _ => {}
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Path(path) => {
                for segment in path {
                    match segment {
                        Segment::Field(name) => write!(f, "/{name}")?,
                        Segment::Index(i) => write!(f, "/{i}")?,
                        Segment::Every => f.write_str("/*")?,
                        Segment::Last => f.write_str("/last")?,
                        Segment::Where { field, value } => write!(f, "/{field}={value}")?,
                    }
                }
                Ok(())
            }
            Query::Delta(q) => write!(f, "delta({q})"),
            Query::Rate(q) => write!(f, "rate({q})"),
            Query::Fold(fold, q) => {
                let name = match fold {
                    Fold::Sum => "sum",
                    Fold::Max => "max",
                    Fold::Min => "min",
                    Fold::Avg => "avg",
                    Fold::Count => "count",
                };
                write!(f, "{name}({q})")
            }
            Query::Pick { best, of, field } => {
                let name = match best {
                    Best::Max => "argmax",
                    Best::Min => "argmin",
                };
                write!(f, "{name}({of}, {field})")
            }
            Query::Percent(part, whole) => write!(f, "percent({part}, {whole})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(counts: [f64; 3]) -> Value {
        json!({"streams": [{"name": "clicks", "shards": [
            {"shard_id": "s0", "IncomingRecords": counts[0]},
            {"shard_id": "s1", "IncomingRecords": counts[1]},
            {"shard_id": "s2", "IncomingRecords": counts[2]},
        ]}]})
    }

    fn ask(text: &str, before: &Value, now: &Value) -> Result<Answer, String> {
        let at = Moments {
            now,
            before,
            seconds: 10.0,
        };
        Query::parse(text)?.answer(at)
    }

    #[test]
    fn paths_select_by_index_wildcard_and_field_value() {
        let (before, now) = (report([0.0, 0.0, 0.0]), report([100.0, 10_000.0, 300.0]));
        let one = "/streams/name=clicks/shards/1/IncomingRecords";
        assert_eq!(ask(one, &before, &now), Ok(Answer::Number(10_000.0)));
        let all = "sum(/streams/0/shards/*/IncomingRecords)";
        assert_eq!(ask(all, &before, &now), Ok(Answer::Number(10_400.0)));
        let hottest = "argmax(rate(/streams/0/shards/*/IncomingRecords), shard_id)";
        assert_eq!(ask(hottest, &before, &now), Ok(Answer::Label("s1".into())));
        let share = "percent(/streams/0/shards/1/IncomingRecords, sum(/streams/0/shards/*/IncomingRecords))";
        let Ok(Answer::Number(share)) = ask(share, &before, &now) else {
            panic!("a share is a number")
        };
        assert!((share - 96.15).abs() < 0.01, "{share}");
        let rate = "max(rate(/streams/0/shards/*/IncomingRecords))";
        assert_eq!(ask(rate, &before, &now), Ok(Answer::Number(1_000.0)));
        assert_eq!(
            ask("/streams/0/shards/last/shard_id", &before, &now),
            Ok(Answer::Label("s2".into()))
        );
        assert_eq!(
            ask("count(/streams/0/shards/*)", &before, &now),
            Ok(Answer::Number(3.0))
        );
        assert_eq!(
            ask("sum(/streams/0/shards/*)", &before, &now).unwrap_err(),
            "/streams/0/shards/* is {\"IncomingRecords\":100.0,\"shard_id\":\"s0\"}, not a number"
        );
    }

    #[test]
    fn a_change_pairs_each_element_with_itself_not_with_its_place() {
        let before = report([100.0, 200.0, 300.0]);
        let mut now = report([150.0, 260.0, 390.0]);
        // A list in another order (or grown by a split) still pairs s1 with s1.
        now["streams"][0]["shards"]
            .as_array_mut()
            .unwrap()
            .reverse();
        let s1 = "sum(delta(/streams/0/shards/shard_id=s1/IncomingRecords))";
        assert_eq!(ask(s1, &before, &now), Ok(Answer::Number(60.0)));
    }

    #[test]
    fn mistakes_are_named() {
        let now = report([1.0, 2.0, 3.0]);
        let several = ask("/streams/0/shards/*/IncomingRecords", &now, &now).unwrap_err();
        assert!(several.contains("matched 3 values"), "{several}");
        assert!(
            Query::parse("median(/a)")
                .unwrap_err()
                .contains("unknown function")
        );
        assert!(
            Query::parse("streams")
                .unwrap_err()
                .contains("expected a /path")
        );
        assert!(
            Query::parse("argmax(/a/*)")
                .unwrap_err()
                .contains("names the field")
        );
        assert!(
            ask("/nothing/here", &now, &now)
                .unwrap_err()
                .contains("nothing matched")
        );
        for fold in ["sum", "max", "min"] {
            let error = ask(&format!("{fold}(/streams/0/shard/*/X)"), &now, &now).unwrap_err();
            assert!(error.contains("nothing matched"), "{error}");
        }
        let tie = report([5.0, 5.0, 1.0]);
        let error = ask(
            "argmax(/streams/0/shards/*/IncomingRecords, shard_id)",
            &now,
            &tie,
        );
        assert!(error.unwrap_err().contains("2 elements tie at 5"));
        let text = "argmax(delta(/streams/0/shards/*/IncomingRecords), shard_id)";
        assert_eq!(Query::parse(text).unwrap().to_string(), text);
    }
}
