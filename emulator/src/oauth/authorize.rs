//! The authorization page, `GET /`: it approves at once as the license owner and sends the
//! browser back to the client with a code. Whatever is wrong goes to the error page
//! (`/ooops?oauth_exception=…&exception_details=…`, as the troubleshooting guide says), never to
//! the redirect URI given: that URI is only trusted once the client and the URI are both known
//! good, and a code is only ever sent to it.

use super::error::Code;
use super::grants::{Challenge, CodeGrant};
use super::params::{ParamError, Params};
use super::{redirect, Authority};
use crate::clock;
use crate::shared::{lock, Shared};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Where the browser is sent when the authorization cannot go on.
struct Exception {
    code: Code,
    /// The documented details where one fits (`client_id_not_found`, `invalid_redirect_uri`),
    /// otherwise a name of the same kind.
    details: &'static str,
}

fn exception(code: Code, details: &'static str) -> Exception {
    Exception { code, details }
}

impl Exception {
    fn location(&self) -> String {
        format!(
            "/ooops?oauth_exception={}&exception_details={}",
            self.code.as_str(),
            self.details
        )
    }
}

pub async fn page(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let location = authorize(&shared.oauth, uri.query()).unwrap_or_else(|e| e.location());
    // A parsed URL always makes a valid header value; the fallback keeps that from being a panic.
    let location = HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static(
        "/ooops?oauth_exception=server_error&exception_details=invalid_location",
    ));
    let no_store = HeaderValue::from_static("no-store");
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, no_store),
        ],
    )
        .into_response()
}

/// The redirect URI with `code` and `state` added.
fn authorize(oauth: &Authority, query: Option<&str>) -> Result<String, Exception> {
    let params = Params::from_query(query).map_err(|e| match e {
        ParamError::Duplicate(_) => exception(Code::InvalidRequest, "duplicate_parameter"),
        ParamError::Malformed(_) => exception(Code::InvalidRequest, "malformed_parameter"),
    })?;
    let client_id = params
        .get("client_id")
        .ok_or(exception(Code::UnauthorizedClient, "missing_client_id"))?;
    let client = oauth
        .client(client_id)
        .ok_or(exception(Code::UnauthorizedClient, "client_id_not_found"))?;
    let redirect_uri = params
        .get("redirect_uri")
        .ok_or(exception(Code::InvalidRequest, "missing_redirect_uri"))?;
    let mut target = redirect::allowed(&client.client, redirect_uri)
        .ok_or(exception(Code::UnauthorizedClient, "invalid_redirect_uri"))?;
    match params.get("response_type") {
        Some("code") => {}
        None => return Err(exception(Code::InvalidRequest, "missing_response_type")),
        // The implicit grant (`token`) is not emulated.
        Some(_) => {
            return Err(exception(
                Code::UnsupportedResponseType,
                "response_type_not_supported",
            ))
        }
    }
    let scopes = requested_scopes(&client.scopes, params.get("scope"))?;
    let challenge = challenge(
        params.get("code_challenge"),
        params.get("code_challenge_method"),
    )?;
    let now = clock::now();
    let grant = CodeGrant::new(
        client_id,
        redirect_uri,
        scopes,
        challenge,
        now + oauth.code_lifetime,
    );
    let code = lock(&oauth.grants).add_code(grant, &oauth.region, now);
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", params.get("state").unwrap_or_default());
    Ok(target.into())
}

/// The reference separates scopes with commas; spaces (RFC 6749's separator, which OAuth
/// libraries send) are taken too.
fn requested_scopes(
    allowed: &BTreeSet<String>,
    requested: Option<&str>,
) -> Result<BTreeSet<String>, Exception> {
    let requested: BTreeSet<String> = requested
        .unwrap_or_default()
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if requested.is_empty() {
        return Ok(allowed.clone());
    }
    if !requested.is_subset(allowed) {
        return Err(exception(Code::InvalidScope, "scope_not_allowed"));
    }
    Ok(requested)
}

/// `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`, 43 to 128 of them (RFC 7636, 4.1).
pub fn is_pkce_string(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

fn challenge(value: Option<&str>, method: Option<&str>) -> Result<Option<Challenge>, Exception> {
    let bad = || exception(Code::InvalidRequest, "invalid_code_challenge");
    let Some(value) = value else {
        return match method {
            None => Ok(None),
            Some(_) => Err(exception(Code::InvalidRequest, "missing_code_challenge")),
        };
    };
    if !is_pkce_string(value) {
        return Err(bad());
    }
    match method.unwrap_or("plain") {
        "plain" => Ok(Some(Challenge::Plain(value.to_string()))),
        // A SHA-256 digest in base64url is 43 characters of its alphabet: any other could
        // never be matched, so it is refused now rather than at the exchange.
        "S256" | "s256" => {
            let digest_shaped = value.len() == 43 && !value.contains(['.', '~']);
            digest_shaped
                .then(|| Challenge::S256(value.to_string()))
                .map(Some)
                .ok_or_else(bad)
        }
        _ => Err(exception(
            Code::InvalidRequest,
            "invalid_code_challenge_method",
        )),
    }
}

/// The error page: plain text naming the exception, never markup built from the query.
pub async fn ooops(uri: Uri) -> Response {
    let params = Params::from_query(uri.query()).unwrap_or_default();
    let show = |name| {
        params
            .get(name)
            .map(printable)
            .unwrap_or_else(|| "none".to_string())
    };
    let exception = show("oauth_exception");
    let body = format!(
        "The authorization could not go on.\n\noauth_exception: {exception}\n\
         exception_details: {}\n\n{}\n",
        show("exception_details"),
        meaning(&exception)
    );
    (
        StatusCode::BAD_REQUEST,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn printable(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "_-.:".contains(*c))
        .take(100)
        .collect()
}

/// The troubleshooting guide's words for the exceptions this page is sent.
fn meaning(exception: &str) -> &'static str {
    match exception {
        "invalid_request" => "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
        "unauthorized_client" => "The client is not authorized to request a token using this method.",
        "invalid_scope" => "The requested scope is invalid, insufficient, unknown or malformed.",
        "unsupported_response_type" => "The authorization server does not support obtaining a token using this method.",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_follow_rfc_7636() {
        let plain = "a".repeat(43);
        assert!(matches!(
            challenge(Some(&plain), None),
            Ok(Some(Challenge::Plain(_)))
        ));
        let digest = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(matches!(
            challenge(Some(digest), Some("s256")),
            Ok(Some(Challenge::S256(_)))
        ));
        assert!(challenge(Some(&"a".repeat(42)), None).is_err());
        assert!(challenge(Some(&"a".repeat(129)), None).is_err());
        assert!(challenge(Some(&"a".repeat(44)), Some("S256")).is_err());
        assert!(challenge(Some(&plain), Some("md5")).is_err());
        assert!(challenge(None, Some("S256")).is_err());
        assert!(challenge(Some(&format!("{}!", "a".repeat(43))), None).is_err());
    }

    #[test]
    fn scopes_are_a_subset_of_the_clients() {
        let allowed: BTreeSet<String> = ["a:ro", "b:rw"].map(String::from).into();
        assert_eq!(requested_scopes(&allowed, None).ok(), Some(allowed.clone()));
        let one = requested_scopes(&allowed, Some("b:rw")).ok().unwrap();
        assert_eq!(one.into_iter().collect::<Vec<_>>(), ["b:rw"]);
        assert_eq!(
            requested_scopes(&allowed, Some("a:ro,b:rw")).ok(),
            Some(allowed.clone())
        );
        assert!(requested_scopes(&allowed, Some("a:ro,c:rw")).is_err());
    }
}
