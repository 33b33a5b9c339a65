//! An Accounts API error as the emulator answers it: `{"error", "error_description"}` with the
//! status the Global Accounts API's OpenAPI document gives it. Descriptions name parameters,
//! never their values, so no secret, code or token is ever repeated back.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The error codes of the troubleshooting guide and the OpenAPI document used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    InvalidRequest,
    UnauthorizedClient,
    InvalidClient,
    InvalidGrant,
    InvalidScope,
    UnsupportedGrantType,
    UnsupportedResponseType,
    Unauthorized,
    ResourceNotFound,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidScope => "invalid_scope",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::Unauthorized => "unauthorized",
            Self::ResourceNotFound => "resource_not_found",
        }
    }

    /// 422 for a malformed request, 401 for credentials or grants refused, 403 for what the
    /// server will not do, 404 for a token it does not know.
    fn status(self) -> StatusCode {
        match self {
            Self::InvalidRequest => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnauthorizedClient | Self::InvalidClient | Self::InvalidGrant => {
                StatusCode::UNAUTHORIZED
            }
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::InvalidScope | Self::UnsupportedGrantType | Self::UnsupportedResponseType => {
                StatusCode::FORBIDDEN
            }
            Self::ResourceNotFound => StatusCode::NOT_FOUND,
        }
    }
}

/// A refused request to `/v2/token` or `/v2/info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub code: Code,
    pub description: String,
    pub status: StatusCode,
}

impl OAuthError {
    pub fn new(code: Code, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
            status: code.status(),
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(Code::InvalidRequest, description)
    }

    pub fn unauthorized_client(description: impl Into<String>) -> Self {
        Self::new(Code::UnauthorizedClient, description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(Code::InvalidGrant, description)
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.code.as_str(), "error_description": self.description});
        let mut response = (self.status, json_headers(), body.to_string()).into_response();
        if self.code == Code::Unauthorized {
            // As RFC 6750 asks of a resource that takes bearer tokens.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        response
    }
}

/// JSON that no cache may keep: answers of these endpoints carry tokens (RFC 6749, 5.1).
pub fn json_headers() -> [(header::HeaderName, HeaderValue); 3] {
    [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
    ]
}
