//! The produce panel: a partition key, an optional explicit hash key and a payload, with the shard
//! the record will land in shown before it is sent; or a pasted JSON array sent with PutRecords.

use super::records::RecordRow;
use crate::gui::{Action, Inspector};
use kinescope_core::streams::hashkey::{hash_partition_key, parse_hash_key};

/// What the panel holds between frames.
#[derive(Debug, Clone, Default)]
pub struct ProduceForm {
    pub partition_key: String,
    pub explicit_hash_key: String,
    pub payload: String,
    pub bulk: String,
}

/// One record to put.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub partition_key: String,
    pub explicit_hash_key: Option<String>,
    pub data: Vec<u8>,
}

/// Copies a browsed record into the form (re-produce).
pub fn fill_from(app: &mut Inspector, row: &RecordRow) {
    app.produce.partition_key = row.partition_key.clone();
    app.produce.explicit_hash_key.clear();
    app.produce.payload = String::from_utf8_lossy(&row.data).into_owned();
    app.tab = crate::gui::Tab::Produce;
}

/// Parses a pasted array: strings (payloads with a generated key) or objects with `PartitionKey`,
/// `Data` (text) and optional `ExplicitHashKey`.
pub fn parse_bulk(text: &str) -> Result<Vec<Outgoing>, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("Not JSON: {e}"))?;
    let items = value.as_array().ok_or("Paste a JSON array of records")?;
    if items.is_empty() {
        return Err("The array is empty".into());
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            serde_json::Value::String(s) => Ok(Outgoing {
                partition_key: format!("key-{i}"),
                explicit_hash_key: None,
                data: s.clone().into_bytes(),
            }),
            serde_json::Value::Object(o) => {
                let key = o
                    .get("PartitionKey")
                    .and_then(|k| k.as_str())
                    .ok_or(format!("Record {i} has no PartitionKey"))?;
                let data = match o.get("Data") {
                    Some(serde_json::Value::String(s)) => s.clone().into_bytes(),
                    Some(other) => other.to_string().into_bytes(),
                    None => return Err(format!("Record {i} has no Data")),
                };
                Ok(Outgoing {
                    partition_key: key.to_owned(),
                    explicit_hash_key: o
                        .get("ExplicitHashKey")
                        .and_then(|k| k.as_str())
                        .map(str::to_owned),
                    data,
                })
            }
            _ => Err(format!("Record {i} is neither a string nor an object")),
        })
        .collect()
}

/// Draws the panel.
pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    let Some(stream) = app.selected_stream(ui) else {
        return;
    };
    ui.heading(format!("Produce to {}", stream.name));
    let form = &mut app.produce;
    egui::Grid::new("produce").num_columns(2).show(ui, |ui| {
        let label = ui.label("Partition key");
        ui.add(egui::TextEdit::singleline(&mut form.partition_key).hint_text("e.g. user-42"))
            .labelled_by(label.id);
        ui.end_row();
        let label = ui.label("Explicit hash key");
        ui.add(
            egui::TextEdit::singleline(&mut form.explicit_hash_key)
                .hint_text("optional, 0 to 2^128-1"),
        )
        .labelled_by(label.id);
        ui.end_row();
        let label = ui.label("Payload");
        ui.add(
            egui::TextEdit::multiline(&mut form.payload)
                .desired_rows(4)
                .hint_text("record data (text)"),
        )
        .labelled_by(label.id);
        ui.end_row();
    });
    let hash = if form.explicit_hash_key.trim().is_empty() {
        (!form.partition_key.is_empty()).then(|| hash_partition_key(&form.partition_key))
    } else {
        parse_hash_key(form.explicit_hash_key.trim())
    };
    match hash {
        Some(hash) => {
            let shard = stream
                .open_shards()
                .find(|s| s.range.contains(hash))
                .map_or("no open shard".to_owned(), |s| s.id.to_string());
            ui.label(format!("hash key {hash} -> {shard}"));
        }
        None if !form.explicit_hash_key.trim().is_empty() => {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "The explicit hash key must be a whole number from 0 to 2^128-1",
            );
        }
        None => {
            ui.label("Type a partition key to see its shard");
        }
    }
    let mut send = None;
    if ui
        .add_enabled(
            !form.partition_key.is_empty(),
            egui::Button::new("Send record"),
        )
        .on_hover_text("PutRecord")
        .clicked()
    {
        let ehk = form.explicit_hash_key.trim();
        send = Some(vec![Outgoing {
            partition_key: form.partition_key.clone(),
            explicit_hash_key: (!ehk.is_empty()).then(|| ehk.to_owned()),
            data: form.payload.clone().into_bytes(),
        }]);
    }
    ui.separator();
    let label = ui.label("Bulk: a JSON array of strings or {PartitionKey, Data, ExplicitHashKey}");
    ui.add(
        egui::TextEdit::multiline(&mut form.bulk)
            .desired_rows(4)
            .hint_text("[{\"PartitionKey\": \"a\", \"Data\": \"hello\"}]"),
    )
    .labelled_by(label.id);
    if ui
        .button("Send all")
        .on_hover_text("PutRecords, 500 at a time")
        .clicked()
    {
        match parse_bulk(&form.bulk) {
            Ok(records) => send = Some(records),
            Err(message) => app.notices.push(message),
        }
    }
    if let Some(records) = send {
        app.act(Action::Produce {
            stream: stream.name.clone(),
            records,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_arrays_parse_strings_and_objects_and_explain_mistakes() {
        let records =
            parse_bulk(r#"["x", {"PartitionKey": "k", "Data": {"a": 1}, "ExplicitHashKey": "5"}]"#)
                .unwrap();
        assert_eq!(records[0].partition_key, "key-0");
        assert_eq!(records[1].data, br#"{"a":1}"#);
        assert_eq!(records[1].explicit_hash_key.as_deref(), Some("5"));
        assert!(parse_bulk("{}").unwrap_err().contains("array"));
        assert!(
            parse_bulk(r#"[{"Data": "x"}]"#)
                .unwrap_err()
                .contains("PartitionKey")
        );
        assert!(parse_bulk("[1").unwrap_err().starts_with("Not JSON"));
    }
}
