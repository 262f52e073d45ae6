//! The MetadataExtraction processor's query (reference B.7): a jq expression (JQ-1.6 as AWS
//! names it, run by jaq) that turns a JSON record into an object of partition keys, e.g.
//! `{customer_id: .customer_id, year: .event.ts | strftime("%Y")}`. Compiled queries are kept per
//! thread (jaq's values are not shared between threads), so each is compiled once.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

type Filter = jaq_core::Filter<data::JustLut<Val>>;

thread_local! {
    static COMPILED: RefCell<HashMap<String, Rc<Filter>>> = RefCell::new(HashMap::new());
}

fn compile(query: &str) -> Result<Filter, String> {
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader
        .load(
            &arena,
            File {
                code: query,
                path: (),
            },
        )
        .map_err(|_| format!("MetadataExtractionQuery {query:?} is not a valid jq expression."))?;
    Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|_| format!("MetadataExtractionQuery {query:?} does not compile (an unknown filter or variable)."))
}

/// Checks that `query` compiles (the InvalidArgumentException text otherwise).
pub fn check(query: &str) -> Result<(), String> {
    filter(query).map(|_| ())
}

fn filter(query: &str) -> Result<Rc<Filter>, String> {
    COMPILED.with(|cache| {
        if let Some(filter) = cache.borrow().get(query) {
            return Ok(filter.clone());
        }
        let filter = Rc::new(compile(query)?);
        cache.borrow_mut().insert(query.to_owned(), filter.clone());
        Ok(filter)
    })
}

fn text(value: &Val) -> String {
    match value {
        Val::TStr(bytes) | Val::BStr(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        other => other.to_string(),
    }
}

/// Runs `query` on the JSON record `data`: the partition keys it gives, or why it gives none.
pub fn partition_keys(query: &str, data: &[u8]) -> Result<BTreeMap<String, String>, String> {
    let filter = filter(query)?;
    let input =
        jaq_json::read::parse_single(data).map_err(|e| format!("The record is not JSON: {e}"))?;
    let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, Vars::new([]));
    let first = filter.id.run((ctx, input)).map(unwrap_valr).next();
    match first {
        Some(Ok(Val::Obj(object))) => Ok(object.iter().map(|(k, v)| (text(k), text(v))).collect()),
        Some(Ok(other)) => Err(format!(
            "The query gave {other}, not an object of partition keys."
        )),
        Some(Err(e)) => Err(format!("The query failed on the record: {e}")),
        None => Err("The query gave no value.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_give_partition_keys_as_aws_examples_write_them() {
        let record = br#"{"customer_id":"123","device":{"type":"phone"},"amount":4.5,"year":2026}"#;
        let keys = partition_keys(
            "{customer_id: .customer_id, device: .device.type, year: .year}",
            record,
        )
        .unwrap();
        assert_eq!(
            keys,
            BTreeMap::from([
                ("customer_id".into(), "123".into()),
                ("device".into(), "phone".into()),
                ("year".into(), "2026".into()),
            ])
        );
        assert!(
            partition_keys(".customer_id", record)
                .unwrap_err()
                .contains("not an object")
        );
        assert!(partition_keys("{a: .a}", b"not json").is_err());
        assert!(check("{a: .a").is_err());
        assert!(check("{a: nosuchfunction(.a)}").is_err());
        assert!(check("{a: .a | ascii_downcase}").is_ok());
    }
}
