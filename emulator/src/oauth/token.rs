//! `POST /v2/token` (the authorization code and refresh token grants), `GET /v2/info` and
//! `DELETE /v2/token`, answered as the reference's tables give them.

use super::authorize::is_pkce_string;
use super::error::{json_headers, Code, OAuthError};
use super::grants::{same, Pair, RefreshPlan};
use super::params::Params;
use super::{owner, Authority, Owner, Registered};
use crate::clock;
use crate::shared::{lock, Shared};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The largest token request: its parameters fit in a few hundred bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

pub async fn exchange(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let outcome = match read_params(&headers, body).await {
        Ok(params) => grant(&shared.oauth, &params),
        Err(refused) => Err(refused),
    };
    match outcome {
        Ok(pair) => {
            let answer = answer(&pair, &owner(&shared), &shared.oauth);
            (StatusCode::OK, json_headers(), answer.to_string()).into_response()
        }
        Err(refused) => refused.into_response(),
    }
}

/// Reads at most [`BODY_LIMIT`] bytes: a larger body is refused by its declared length, or as
/// soon as it runs past the limit, without waiting for the rest.
async fn read_params(headers: &HeaderMap, body: Body) -> Result<Params, OAuthError> {
    let too_large = || {
        OAuthError::invalid_request(format!(
            "the body is over {BODY_LIMIT} bytes or did not arrive whole"
        ))
        .with_status(StatusCode::PAYLOAD_TOO_LARGE)
    };
    if crate::connections::announced_length(headers).is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| too_large())?;
    // A header that is not text names no type this endpoint takes.
    let media_type = headers.get(header::CONTENT_TYPE).map(|value| {
        let value = value.to_str().unwrap_or_default();
        let essence = value.split(';').next().unwrap_or_default();
        essence.trim().to_ascii_lowercase()
    });
    let params = match media_type.as_deref() {
        // curl's `-d`, which the reference's samples use, sends a form.
        None | Some("application/x-www-form-urlencoded") => Params::from_form(&bytes),
        Some("application/json") => Params::from_json(&bytes),
        Some(_) => {
            return Err(OAuthError::invalid_request(
                "the body must be application/x-www-form-urlencoded or application/json",
            ))
        }
    };
    params.map_err(|e| OAuthError::invalid_request(e.describe()))
}

fn grant(oauth: &Authority, params: &Params) -> Result<Pair, OAuthError> {
    let grant_type = params
        .get("grant_type")
        .ok_or_else(|| OAuthError::invalid_request("grant_type is required"))?;
    match grant_type {
        // The guide and its samples say `authorization_code`; the OpenAPI document's enum says
        // `code`. Both are taken, so a client written from either works.
        "authorization_code" | "code" => {
            let pair = code_grant(oauth, params)?;
            oauth.code_grants.fetch_add(1, Ordering::Relaxed);
            Ok(pair)
        }
        "refresh_token" => {
            let pair = refresh_grant(oauth, params)?;
            oauth.refresh_grants.fetch_add(1, Ordering::Relaxed);
            Ok(pair)
        }
        _ => Err(OAuthError::new(
            Code::UnsupportedGrantType,
            "grant_type must be authorization_code or refresh_token",
        )),
    }
}

/// The client the request names, authenticated by its secret when it has one.
fn client<'a>(oauth: &'a Authority, params: &Params) -> Result<&'a Registered, OAuthError> {
    let id = params
        .get("client_id")
        .ok_or_else(|| OAuthError::unauthorized_client("client_id is required"))?;
    let registered = oauth
        .client(id)
        .ok_or_else(|| OAuthError::unauthorized_client("client_id not found"))?;
    match (registered.client.secret(), params.get("client_secret")) {
        (None, None) => Ok(registered),
        (Some(secret), Some(given)) if same(secret, given) => Ok(registered),
        (Some(_), None) => Err(OAuthError::unauthorized_client(
            "client_secret is required: the client is confidential",
        )),
        (Some(_), Some(_)) => Err(OAuthError::unauthorized_client("invalid client_secret")),
        (None, Some(_)) => Err(OAuthError::unauthorized_client(
            "the client is public: it has no client_secret to send",
        )),
    }
}

fn code_grant(oauth: &Authority, params: &Params) -> Result<Pair, OAuthError> {
    let registered = client(oauth, params)?;
    let code = params
        .get("code")
        .ok_or_else(|| OAuthError::invalid_request("code is required"))?;
    let redirect_uri = params
        .get("redirect_uri")
        .ok_or_else(|| OAuthError::invalid_request("redirect_uri is required"))?;
    let verifier = params.get("code_verifier");
    if verifier.is_some_and(|v| !is_pkce_string(v)) {
        return Err(OAuthError::invalid_request(
            "code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_', '~'",
        ));
    }
    let client_id = registered.client.id();
    let now = clock::now();
    // One lock from lookup to issue: of concurrent exchanges of one code, one wins.
    let mut grants = lock(&oauth.grants);
    let granted = grants.redeem(code, now, |grant| {
        if grant.client_id != client_id {
            return Err(OAuthError::invalid_grant(
                "the code was issued to another client",
            ));
        }
        if grant.redirect_uri != redirect_uri {
            return Err(OAuthError::unauthorized_client(
                "invalid redirect_uri: it must be the authorization request's",
            ));
        }
        match (&grant.challenge, verifier) {
            (None, None) => Ok(()),
            (Some(challenge), Some(verifier)) if challenge.verifies(verifier) => Ok(()),
            (Some(_), Some(_)) => Err(OAuthError::invalid_grant(
                "code_verifier does not match the code_challenge",
            )),
            (Some(_), None) => Err(OAuthError::invalid_request(
                "code_verifier is required: the authorization request sent a code_challenge",
            )),
            // OAuth 2.1 (4.1.3): refused, or PKCE could be downgraded by dropping the challenge.
            (None, Some(_)) => Err(OAuthError::invalid_grant(
                "code_verifier given, but the authorization request sent no code_challenge",
            )),
        }
    })?;
    Ok(grants.issue(
        client_id,
        granted.scopes,
        RefreshPlan::New,
        &oauth.region,
        now,
        now + oauth.token_lifetime,
    ))
}

fn refresh_grant(oauth: &Authority, params: &Params) -> Result<Pair, OAuthError> {
    let registered = client(oauth, params)?;
    let token = params
        .get("refresh_token")
        .ok_or_else(|| OAuthError::invalid_request("refresh_token is required"))?;
    let client_id = registered.client.id();
    let now = clock::now();
    let mut grants = lock(&oauth.grants);
    let refresh = grants
        .refresh_info(token)
        .ok_or_else(|| OAuthError::unauthorized_client("refresh token not found"))?;
    if refresh.client_id != client_id {
        return Err(OAuthError::new(
            Code::InvalidClient,
            "the refresh token was issued to another client",
        ));
    }
    // Public clients' refresh tokens are single-use; confidential ones' are kept.
    let plan = if registered.client.is_confidential() {
        RefreshPlan::Keep(token)
    } else {
        RefreshPlan::Rotate(token)
    };
    Ok(grants.issue(
        client_id,
        refresh.scopes,
        plan,
        &oauth.region,
        now,
        now + oauth.token_lifetime,
    ))
}

/// The reference's `scope`: comma-separated.
fn scope(scopes: &BTreeSet<String>) -> String {
    scopes
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

fn answer(pair: &Pair, owner: &Owner, oauth: &Authority) -> Value {
    json!({
        "access_token": pair.access_token,
        "account_id": owner.account_id,
        "expires_in": oauth.token_lifetime.as_secs(),
        "organization_id": owner.organization_id,
        "refresh_token": pair.refresh_token,
        "scope": scope(&pair.scopes),
        "token_type": "Bearer",
    })
}

/// The token of an info or revoke request: `Authorization: Bearer …`, or the `code` query
/// parameter.
fn presented(headers: &HeaderMap, uri: &Uri) -> Result<String, OAuthError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let malformed =
            || OAuthError::new(Code::Unauthorized, "expected Authorization: Bearer <token>");
        let value = value.to_str().map_err(|_| malformed())?;
        let (scheme, token) = value.split_once(' ').ok_or_else(malformed)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(malformed());
        }
        return Ok(token.to_string());
    }
    let params =
        Params::from_query(uri.query()).map_err(|e| OAuthError::invalid_request(e.describe()))?;
    params.get("code").map(str::to_string).ok_or_else(|| {
        OAuthError::invalid_request("no token: send Authorization: Bearer <token> or ?code=<token>")
    })
}

pub async fn info(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap) -> Response {
    let token = match presented(&headers, &uri) {
        Ok(token) => token,
        Err(refused) => return refused.into_response(),
    };
    let now = clock::now();
    let found = lock(&shared.oauth.grants)
        .access(&token, now)
        .map(|access| {
            (
                access.client_id.clone(),
                access.scopes.clone(),
                access.expires_at.saturating_sub(now).as_secs(),
                access.refresh.clone(),
            )
        });
    let Some((client_id, scopes, expires_in, refresh)) = found else {
        return OAuthError::new(
            Code::Unauthorized,
            "the access token is invalid, expired or revoked",
        )
        .into_response();
    };
    let owner = owner(&shared);
    let mut body = json!({
        "access_token": token,
        "account_id": owner.account_id,
        "client_id": client_id,
        "expires_in": expires_in,
        "organization_id": owner.organization_id,
        "scope": scope(&scopes),
        "token_type": "Bearer",
    });
    if let Some(refresh) = refresh {
        body["refresh_token"] = Value::String(refresh);
    }
    (StatusCode::OK, json_headers(), body.to_string()).into_response()
}

pub async fn revoke(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap) -> Response {
    let token = match presented(&headers, &uri) {
        Ok(token) => token,
        Err(refused) => return refused.into_response(),
    };
    if lock(&shared.oauth.grants).revoke(&token) {
        (StatusCode::OK, json_headers(), "{}").into_response()
    } else {
        OAuthError::new(Code::ResourceNotFound, "the token does not exist").into_response()
    }
}
