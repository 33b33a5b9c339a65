//! Bytes → typed values. Nothing here panics on any input: every failure is a `DecodeError`
//! naming the action and, where serde can tell, the path of the offending field.

#[cfg(feature = "server")]
use crate::validate::{Validate, Validator};

#[cfg(feature = "server")]
use crate::Request;
use crate::{ActionName, ApiError, BatchItem, DecodeError, ErrorKind};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

const EXCERPT_BYTES: usize = 160;

/// The excerpt of a body that may hold a credential: the body itself never goes into an error.
const WITHHELD: &str = "<withheld: the body carries a secret>";

/// The start of a body, for error messages.
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    let end = bytes.len().min(EXCERPT_BYTES);
    let mut text = String::from_utf8_lossy(&bytes[..end]).into_owned();
    if end < bytes.len() {
        text.push('…');
    }
    text
}

/// The excerpt of a body of `action`, unless the action's bodies carry a secret.
pub(crate) fn excerpt_of(action: &ActionName, bytes: &[u8]) -> String {
    if action.carries_secrets() {
        WITHHELD.to_string()
    } else {
        excerpt(bytes)
    }
}

fn error(action: &ActionName, bytes: &[u8], path: String, message: String) -> DecodeError {
    DecodeError {
        action: action.clone(),
        path,
        message,
        excerpt: excerpt_of(action, bytes),
    }
}

/// "No payload" may arrive as nothing at all; it means the same as `{}`.
pub(crate) fn or_empty_object(bytes: &[u8]) -> &[u8] {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    }
}

fn parse<'de, T: Deserialize<'de>>(
    action: &ActionName,
    bytes: &'de [u8],
) -> Result<T, DecodeError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let path = crate::json_path::at(bytes, e.line(), e.column());
        error(action, bytes, path, e.to_string())
    })
}

/// A JSON response body.
pub fn json<T: DeserializeOwned>(action: ActionName, bytes: &[u8]) -> Result<T, DecodeError> {
    parse(&action, bytes)
}

/// A response with no payload: empty, or any JSON value (normally `{}`).
pub fn empty(action: ActionName, bytes: &[u8]) -> Result<(), DecodeError> {
    parse::<IgnoredAny>(&action, or_empty_object(bytes)).map(|_| ())
}

#[cfg(feature = "server")]
/// A request body, checked as a server checks it: types, required fields, enum values, limits,
/// formats.
pub fn request<R: DeserializeOwned + serde::Serialize + Validate>(
    action: ActionName,
    bytes: &[u8],
) -> Result<R, DecodeError> {
    let action = &action;
    // Only a body with nothing in it is `{}`; blanks alone are not JSON.
    let bytes: &[u8] = if bytes.is_empty() { b"{}" } else { bytes };
    let request: R = parse(action, bytes)?;
    let mut validator = Validator::new();
    // Lists and maps read as empty when left out, so only the JSON shows a request omitting one.
    let json: Value = parse(action, bytes)?;
    // serde also reads a struct from an array of its fields in order (`["a@b.c"]` as `{"id":
    // "a@b.c"}`); a request and each object in it must be a JSON object.
    if let Some(path) = serde_json::to_value(&request)
        .ok()
        .and_then(|typed| array_for_object(&typed, &json, String::new()))
    {
        let message = "invalid type: sequence, expected a JSON object".to_string();
        return Err(error(action, bytes, path, message));
    }
    R::check_json(&json, &mut validator);
    request.validate(&mut validator);
    match validator.into_violations().into_iter().next() {
        None => Ok(request),
        Some(v) => Err(error(action, bytes, v.path, v.message)),
    }
}

#[cfg(feature = "server")]
/// A batch request body: `{"requests": [...]}`, each item decoded on its own, as the API answers
/// each item on its own.
pub fn batch_request<R: DeserializeOwned + serde::Serialize + Validate + Request>(
    action: ActionName,
    bytes: &[u8],
) -> Result<Vec<Result<R, DecodeError>>, DecodeError> {
    #[derive(Deserialize)]
    struct Body<'a> {
        #[serde(borrow)]
        requests: Vec<&'a RawValue>,
    }
    let body: Body = parse(&action, bytes)?;
    // serde also reads `Body` from an array (`[[]]` as `{"requests": []}`).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        let message = "invalid type: sequence, expected a JSON object".to_string();
        return Err(error(&action, bytes, String::new(), message));
    }
    Ok(body
        .requests
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            request::<R>(R::ACTION, raw.get().as_bytes()).map_err(|e| DecodeError {
                path: join(&format!("requests[{i}]"), &e.path),
                ..e
            })
        })
        .collect())
}

/// A batch response body: `{"responses": [...]}`, each item a response of `R`'s action or an
/// `{"error": ...}` of its own.
pub fn batch_response<R: BatchItem>(
    bytes: &[u8],
) -> Result<Vec<Result<R::Response, ApiError>>, DecodeError> {
    #[derive(Deserialize)]
    struct Body<'a> {
        #[serde(borrow)]
        responses: Vec<&'a RawValue>,
    }
    let action = R::BATCH_ACTION;
    let body: Body = parse(&action, bytes)?;
    body.responses
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let item = raw.get().as_bytes();
            if let Some(api_error) = api_error(item) {
                return Ok(Err(api_error));
            }
            R::decode_response(item).map(Ok).map_err(|e| DecodeError {
                action: action.clone(),
                path: join(&format!("responses[{i}]"), &e.path),
                message: e.message,
                excerpt: excerpt_of(&action, bytes),
            })
        })
        .collect()
}

/// Where `sent` has an array that the typed value, written back, has as an object.
#[cfg(feature = "server")]
fn array_for_object(typed: &Value, sent: &Value, path: String) -> Option<String> {
    match (typed, sent) {
        (Value::Object(_), Value::Array(_)) => Some(path),
        (Value::Object(typed), Value::Object(sent)) => typed.iter().find_map(|(key, t)| {
            let at = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            sent.get(key).and_then(|s| array_for_object(t, s, at))
        }),
        (Value::Array(typed), Value::Array(sent)) => typed
            .iter()
            .zip(sent)
            .enumerate()
            .find_map(|(i, (t, s))| array_for_object(t, s, format!("{path}[{i}]"))),
        _ => None,
    }
}

fn join(prefix: &str, path: &str) -> String {
    match path {
        "" | "." => prefix.to_string(),
        p if p.starts_with('[') => format!("{prefix}{p}"),
        p => format!("{prefix}.{p}"),
    }
}

/// The API error in a body of the form `{"error": {"type", "message", "data"}}`, if it is one.
pub(crate) fn api_error(bytes: &[u8]) -> Option<ApiError> {
    #[derive(Deserialize)]
    struct Envelope {
        error: Body,
    }
    #[derive(Deserialize)]
    struct Body {
        #[serde(rename = "type")]
        kind: ErrorKind,
        #[serde(default)]
        message: String,
        #[serde(default)]
        data: Option<Value>,
    }
    let envelope: Envelope = serde_json::from_slice(bytes).ok()?;
    Some(ApiError {
        action: None,
        kind: envelope.error.kind,
        message: envelope.error.message,
        data: envelope.error.data.filter(|d| !d.is_null()),
        status: None,
        retry_after: None,
    })
}
