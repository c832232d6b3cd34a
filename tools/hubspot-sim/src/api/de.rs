//! Lenient input decoding where HubSpot is lenient: ids as strings or numbers, property values
//! as strings, numbers or booleans (HubSpot stores them all as strings), `null` as "".

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::store::Props;

fn as_text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub fn id_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(as_text(Value::deserialize(deserializer)?))
}

pub fn properties<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Props, D::Error> {
    let map =
        Option::<serde_json::Map<String, Value>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(map.into_iter().map(|(k, v)| (k, as_text(v))).collect())
}
