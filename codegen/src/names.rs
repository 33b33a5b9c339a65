//! How spec names become Rust names. One place, so validation and emission agree.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// What the sdk's crate root defines by hand beside the generated items it re-exports with a
/// glob, and what the prelude gives every module. A spec type of one of these names would be
/// hidden at the root by the hand-written item (a glob import loses silently), or would hide the
/// prelude's in generated code, so the generator refuses it. A test keeps the list in step with
/// `sdk/src/lib.rs`.
pub const ROOT_ITEMS: [&str; 35] = [
    "ActionInfo",
    "ActionName",
    "ApiError",
    "BatchCall",
    "BatchItem",
    "BatchRequest",
    "BatchResults",
    "BoxError",
    "Call",
    "Client",
    "ClientBuilder",
    "Credentials",
    "CredentialsFuture",
    "CredentialsProvider",
    "DecodeError",
    "Error",
    "Paged",
    "Pages",
    "RawCall",
    "Region",
    "Request",
    "RetryBudget",
    "RetryPolicy",
    "TransportError",
    "UnknownValue",
    "Violation",
    // The prelude's.
    "Box",
    "Err",
    "None",
    "Ok",
    "Option",
    "Result",
    "Some",
    "String",
    "Vec",
];

/// The escape variant every generated enum carries for values a server adds later.
pub const OTHER_VARIANT: &str = "Other";

pub fn variant(value: &str) -> String {
    let name = value.to_upper_camel_case();
    match name.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("V{name}"),
        _ => name,
    }
}

pub fn action_type(action: &str) -> String {
    action.to_upper_camel_case()
}

pub fn request_type(action: &str) -> String {
    format!("{}Request", action.to_upper_camel_case())
}

pub fn response_type(action: &str) -> String {
    format!("{}Response", action.to_upper_camel_case())
}

pub fn payload_type(action: &str) -> String {
    format!("{}Payload", action.to_upper_camel_case())
}

/// The enum of a version's typed webhook payloads.
pub const WEBHOOK_EVENT: &str = "WebhookEvent";

/// The generated module holding it.
pub const WEBHOOK_EVENTS_MODULE: &str = "webhook_events";

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A field or method name: snake_case, raw where it is a keyword (`type` → `r#type`).
pub fn member(name: &str) -> Ident {
    let snake = name.to_snake_case();
    if syn::parse_str::<Ident>(&snake).is_ok() {
        ident(&snake)
    } else {
        Ident::new_raw(&snake, Span::call_site())
    }
}
