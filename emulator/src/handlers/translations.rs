//! The widget's phrases per group and language. A pair nobody has written to has no phrases.

use crate::error::Failure;
use crate::state::State;
use livechat_config::v3_7::{
    ListTranslationsRequest, ListTranslationsResponse, UpdateTranslationsRequest,
};

/// A language tag: a 2–3 letter language, then optional subtags such as a region (`pt-BR`).
fn check_language(language: &str) -> Result<(), Failure> {
    let mut parts = language.split(['-', '_']);
    let primary = parts.next().unwrap_or_default();
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(())
    } else {
        Err(Failure::validation(format!(
            "`language`: `{language}` is not a language identifier such as `en` or `pt-BR`"
        )))
    }
}

/// Merges the phrases given into the pair's phrases; the others stay as they were.
pub fn update(req: UpdateTranslationsRequest, state: &mut State) -> Result<(), Failure> {
    state.check_group(req.group_id)?;
    check_language(&req.language)?;
    if req.phrases.is_empty() {
        return Err(Failure::validation("`phrases`: names no phrase to update"));
    }
    if let Some((key, _)) = req
        .phrases
        .iter()
        .find(|(key, text)| key.is_empty() || text.is_empty())
    {
        return Err(Failure::validation(format!(
            "`phrases.{key}`: a phrase needs a non-empty key and text"
        )));
    }
    state
        .translations
        .entry(req.group_id)
        .or_default()
        .entry(req.language)
        .or_default()
        .extend(req.phrases);
    Ok(())
}

pub fn list(
    req: ListTranslationsRequest,
    state: &State,
) -> Result<ListTranslationsResponse, Failure> {
    state.check_group(req.group_id)?;
    check_language(&req.language)?;
    let phrases = state
        .translations
        .get(&req.group_id)
        .and_then(|languages| languages.get(&req.language))
        .into_iter()
        .flatten()
        .map(|(key, phrase)| (key.as_str(), phrase.as_str()));
    Ok(ListTranslationsResponse::new(phrases))
}
