//! An API error as the emulator answers it: `{"error": {"type", "message", "data"}}` with the
//! HTTP status the kind calls for.

use livechat_config::ErrorKind;
use serde_json::{json, Value};

/// A failed action: what the body says and which status carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub kind: ErrorKind,
    pub message: String,
    pub data: Option<Value>,
}

impl Failure {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            data: None,
        }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Validation, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::AlreadyExists, message)
    }

    pub fn authorization(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Authorization, message)
    }

    pub fn limit_reached(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::LimitReached, message)
    }

    pub fn group_not_found(id: u64) -> Self {
        Self::new(ErrorKind::GroupNotFound, format!("group {id} not found"))
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// The HTTP status of a reply carrying this error. `limit_reached` is deliberately not 429:
    /// a client retrying 429s would otherwise retry a request that can never succeed.
    pub fn status(&self) -> u16 {
        match self.kind {
            ErrorKind::Authentication => 401,
            ErrorKind::Authorization | ErrorKind::LimitReached => 403,
            ErrorKind::NotFound | ErrorKind::GroupNotFound => 404,
            ErrorKind::AlreadyExists => 409,
            ErrorKind::MisdirectedRequest => 421,
            ErrorKind::LicenseExpired => 402,
            ErrorKind::TooManyRequests => 429,
            ErrorKind::Internal => 500,
            _ => 400,
        }
    }

    /// The error object itself, as it also appears in an item of a batch answer.
    pub fn body(&self) -> Value {
        let mut error = json!({"type": self.kind.as_str(), "message": self.message});
        if let Some(data) = &self.data {
            error["data"] = data.clone();
        }
        json!({ "error": error })
    }
}

pub type Outcome = Result<Value, Failure>;
