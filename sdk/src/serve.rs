//! What every version's generated `dispatch` shares: answer bodies as the API writes them.

use serde::Serialize;
use serde_json::{json, Value};
use std::any::TypeId;

/// The body of a successful answer: the response as JSON, and `{}` for an action whose answer
/// has no payload (its response is `()`).
pub fn body<T: Serialize + 'static>(response: &T) -> Result<Value, serde_json::Error> {
    if TypeId::of::<T>() == TypeId::of::<()>() {
        Ok(json!({}))
    } else {
        serde_json::to_value(response)
    }
}

/// The body of a batch endpoint's answer: one item per request, in request order.
pub fn batch_body(responses: Vec<Value>) -> Value {
    json!({ "responses": responses })
}
