//! One run of the authorization code grant with PKCE: the URL the user opens, and the checks of
//! the redirect that comes back.

use super::accounts::{Accounts, App};
use super::error::Error;
use super::random;
use super::tokens::TokenSet;
use std::fmt;

/// A started authorization: send the user to [`url`](Self::url), then hand the redirect that
/// comes back to [`finish`](Self::finish). It holds the code verifier, which `Debug` never
/// shows; one `Authorization` serves one redirect.
pub struct Authorization {
    accounts_url: String,
    app: App,
    redirect_uri: String,
    state: String,
    verifier: String,
    scopes: Option<String>,
    url: String,
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("app", &self.app)
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl Authorization {
    pub(super) fn new(accounts: &Accounts, app: App, redirect_uri: String) -> Result<Self, Error> {
        let random = |made: Result<String, getrandom::Error>| {
            made.map_err(|e| Error::Config(format!("the system's random generator failed: {e}")))
        };
        let mut authorization = Self {
            accounts_url: accounts.base_url().to_string(),
            app,
            redirect_uri,
            state: random(random::token(32))?,
            verifier: random(random::verifier())?,
            scopes: None,
            url: String::new(),
        };
        authorization.url = authorization.make_url()?;
        Ok(authorization)
    }

    /// Asks for these scopes only (each must be one the application was given); without this
    /// the user grants every scope of the application.
    pub fn scopes<S: AsRef<str>>(
        mut self,
        scopes: impl IntoIterator<Item = S>,
    ) -> Result<Self, Error> {
        let list: Vec<String> = scopes.into_iter().map(|s| s.as_ref().to_string()).collect();
        self.scopes = Some(list.join(","));
        self.url = self.make_url()?;
        Ok(self)
    }

    fn make_url(&self) -> Result<String, Error> {
        let mut url = reqwest::Url::parse(&format!("{}/", self.accounts_url))
            .map_err(|e| Error::Config(format!("Accounts URL: {e}")))?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", self.app.client_id())
                .append_pair("redirect_uri", &self.redirect_uri)
                .append_pair("state", &self.state)
                .append_pair("code_challenge", &random::s256(&self.verifier))
                .append_pair("code_challenge_method", "S256");
            if let Some(scopes) = &self.scopes {
                query.append_pair("scope", scopes);
            }
        }
        Ok(url.into())
    }

    /// The URL to open in the user's browser. It carries no secret: the code challenge is a
    /// hash of the verifier kept here.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The `state` the redirect must carry back.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// Where the Accounts API sends the user back to.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Completes the flow with the redirect that came back: `redirect` is its URL, or just its
    /// query string. Checks `state`, then exchanges the code, with the code verifier, for
    /// tokens.
    pub async fn finish(self, accounts: &Accounts, redirect: &str) -> Result<TokenSet, Error> {
        let code = self.code_of(redirect)?;
        accounts
            .exchange_code(&self.app, &code, &self.redirect_uri, Some(&self.verifier))
            .await
    }

    /// The code a redirect carries, once its `state` is this authorization's.
    fn code_of(&self, redirect: &str) -> Result<String, Error> {
        let query = match redirect.split_once('?') {
            Some((_, query)) => query,
            None if redirect.contains("://") => "",
            None => redirect,
        };
        let query = query.split('#').next().unwrap_or_default();
        let parsed = reqwest::Url::parse(&format!("http://redirect.invalid/?{query}"))
            .map_err(|_| Error::Authorization("the redirect's query cannot be read".into()))?;
        let (mut code, mut state, mut error, mut detail) = (None, None, None, None);
        for (key, value) in parsed.query_pairs() {
            let slot = match key.as_ref() {
                "code" => &mut code,
                "state" => &mut state,
                "error" | "oauth_exception" | "identity_exception" => &mut error,
                "error_description" | "exception_details" => &mut detail,
                _ => continue,
            };
            if slot.replace(value.into_owned()).is_some() {
                return Err(Error::Authorization(format!(
                    "the redirect carries `{key}` more than once"
                )));
            }
        }
        let printable = |text: String| -> String {
            text.chars().filter(|c| !c.is_control()).take(200).collect()
        };
        if let Some(error) = error {
            let detail = detail
                .map(|d| format!(" ({})", printable(d)))
                .unwrap_or_default();
            return Err(Error::Authorization(format!(
                "the Accounts API answered `{}`{detail}",
                printable(error)
            )));
        }
        let state =
            state.ok_or_else(|| Error::Authorization("the redirect has no `state`".into()))?;
        if !same(state.as_bytes(), self.state.as_bytes()) {
            return Err(Error::Authorization(
                "the redirect's `state` is not the one sent: it did not come from this authorization"
                    .into(),
            ));
        }
        code.filter(|c| !c.is_empty())
            .ok_or_else(|| Error::Authorization("the redirect has no `code`".into()))
    }
}

/// Compares in time that depends on the lengths only.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started() -> Authorization {
        let accounts = Accounts::with_base_url("https://accounts.example").unwrap();
        accounts
            .authorize(&App::public("client"), "http://127.0.0.1:9/cb")
            .unwrap()
    }

    #[test]
    fn the_url_carries_the_challenge_of_the_verifier_and_the_state() {
        let authorization = started()
            .scopes(["agents--all:ro", "groups--all:ro"])
            .unwrap();
        let url = reqwest::Url::parse(authorization.url()).unwrap();
        let pairs: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(url.path(), "/");
        assert_eq!(pairs["response_type"], "code");
        assert_eq!(pairs["client_id"], "client");
        assert_eq!(pairs["redirect_uri"], "http://127.0.0.1:9/cb");
        assert_eq!(pairs["state"], authorization.state());
        assert_eq!(pairs["code_challenge_method"], "S256");
        assert_eq!(
            pairs["code_challenge"],
            random::s256(&authorization.verifier)
        );
        assert_eq!(pairs["scope"], "agents--all:ro,groups--all:ro");
        assert!(!authorization.url().contains(&authorization.verifier));
        assert!(!format!("{authorization:?}").contains(&authorization.verifier));
    }

    #[test]
    fn a_redirect_must_carry_the_state_sent_and_one_code() {
        let authorization = started();
        let state = authorization.state().to_string();
        let good = format!("http://127.0.0.1:9/cb?code=dal%3Aabc&state={state}");
        assert_eq!(authorization.code_of(&good).unwrap(), "dal:abc");
        assert_eq!(
            authorization
                .code_of(&format!("?state={state}&code=x"))
                .unwrap(),
            "x"
        );
        for (redirect, says) in [
            ("code=x&state=forged".to_string(), "is not the one sent"),
            ("code=x".to_string(), "no `state`"),
            (format!("state={state}"), "no `code`"),
            (format!("code=x&code=y&state={state}"), "more than once"),
            (
                "oauth_exception=access_denied&exception_details=nope%0D%0A".to_string(),
                "`access_denied` (nope)",
            ),
        ] {
            let error = authorization.code_of(&redirect).unwrap_err().to_string();
            assert!(error.contains(says), "{redirect}: {error}");
        }
    }
}
