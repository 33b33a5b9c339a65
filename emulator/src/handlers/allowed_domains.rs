//! The domains allowed to embed the chat widget. Domain names are compared as DNS compares them:
//! without case and without a trailing dot.

use crate::error::Failure;
use crate::state::State;
use livechat_config::v3_7::{
    AddAllowedDomainRequest, DeleteAllowedDomainRequest, ListAllowedDomainsResponse,
};

/// A DNS label: 1–63 letters, digits or hyphens, not starting or ending with a hyphen.
fn is_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// The domain as stored, or why it is not a domain name.
fn normalize(domain: &str) -> Result<String, Failure> {
    let name = domain
        .strip_suffix('.')
        .unwrap_or(domain)
        .to_ascii_lowercase();
    if name.split('.').all(is_label) {
        Ok(name)
    } else {
        Err(Failure::validation(format!(
            "`domain`: `{domain}` is not a domain name (labels of letters, digits and hyphens, separated by dots)"
        )))
    }
}

pub fn add(req: AddAllowedDomainRequest, state: &mut State) -> Result<(), Failure> {
    let domain = normalize(&req.domain)?;
    if state.allowed_domains.contains(&domain) {
        return Err(Failure::already_exists(format!(
            "`{domain}` is already an allowed domain"
        )));
    }
    state.allowed_domains.insert(domain);
    Ok(())
}

pub fn list(state: &State) -> Result<ListAllowedDomainsResponse, Failure> {
    Ok(ListAllowedDomainsResponse::new(
        state.allowed_domains.iter().map(String::as_str),
    ))
}

pub fn delete(req: DeleteAllowedDomainRequest, state: &mut State) -> Result<(), Failure> {
    let domain = normalize(&req.domain)?;
    if !state.allowed_domains.remove(&domain) {
        return Err(Failure::not_found(format!(
            "`{domain}` is not an allowed domain"
        )));
    }
    Ok(())
}
