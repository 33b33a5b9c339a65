//! `versions.rs`: every version the specs describe, as data, for programs that speak them all
//! (an emulator, a command-line tool). It is compiled with the feature that turns on every
//! version, so nothing in it depends on which versions a build picked.

use super::doc;
use crate::model::Model;
use crate::names;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn registry(models: &[Model]) -> TokenStream {
    let variant = |m: &Model| format_ident!("{}", m.module.to_uppercase());
    let variants: Vec<_> = models.iter().map(variant).collect();
    let modules: Vec<_> = models.iter().map(|m| names::ident(&m.module)).collect();
    let strings: Vec<&String> = models.iter().map(|m| &m.version).collect();
    let paths: Vec<&String> = models.iter().map(|m| &m.action_path).collect();
    let stable = models
        .iter()
        .find(|m| m.stable)
        .map(variant)
        .expect("the specs have a stable version");
    let version_docs = models.iter().map(|m| {
        let text = if m.stable {
            format!(
                "The Configuration API v{} (stable; the crate root).",
                m.version
            )
        } else {
            format!(
                "The Configuration API v{} (`livechat_config::{}`).",
                m.version, m.module
            )
        };
        doc(&text)
    });
    let action_docs = models
        .iter()
        .map(|m| doc(&format!("An action of v{}.", m.version)));
    let request_docs = models
        .iter()
        .map(|m| doc(&format!("A request of v{}.", m.version)));
    let count = models.len();
    // Each version's webhook actions (its webhooks' action enum) with their filters.
    let webhook_arms = models.iter().map(|m| {
        let v = variant(m);
        let module = names::ident(&m.module);
        let values = m.webhooks.as_ref().and_then(|w| {
            m.types.iter().find_map(|t| match t {
                crate::model::Type::Enum { name, values, .. } if *name == w.action_enum => {
                    Some((names::ident(name), values))
                }
                _ => None,
            })
        });
        match values {
            Some((name, values)) if values.iter().any(|v| v.available_filters.is_some()) => {
                quote! {
                    Version::#v => crate::#module::#name::KNOWN
                        .iter()
                        .map(|a| (a.as_str(), a.available_filters()))
                        .collect(),
                }
            }
            Some((name, _)) => quote! {
                Version::#v => crate::#module::#name::KNOWN
                    .iter()
                    .map(|a| (a.as_str(), &[][..]))
                    .collect(),
            },
            None => quote!(Version::#v => Vec::new(),),
        }
    });
    // Each version's typing of a delivery's payload.
    let check_arms = models.iter().map(|m| {
        let v = variant(m);
        let module = names::ident(&m.module);
        match &m.webhooks {
            Some(w) => {
                let actions = names::ident(&w.action_enum);
                let event = names::ident(names::WEBHOOK_EVENT);
                quote! {
                    Version::#v => match crate::#module::#event::from_payload(
                        &crate::#module::#actions::from(action),
                        payload,
                    )? {
                        crate::#module::#event::Other { .. } => Ok(false),
                        _ => Ok(true),
                    },
                }
            }
            None => quote!(Version::#v => Ok(false),),
        }
    });
    quote! {
        use crate::{ActionInfo, ActionName, DecodeError};

        /// An API version this crate has.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Version {
            #(#version_docs #variants,)*
        }

        impl Version {
            /// Every version, oldest first.
            pub const ALL: [Version; #count] = [#(Version::#variants),*];

            /// The stable version: the one the crate root re-exports.
            pub const STABLE: Version = Version::#stable;

            /// `"3.6"`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #(Version::#variants => #strings,)*
                }
            }

            /// The version called `name` (`"3.6"`).
            pub fn from_name(name: &str) -> Option<Version> {
                Version::ALL.into_iter().find(|v| v.as_str() == name)
            }

            /// The path before an action's name: `/v3.6/configuration/action/`.
            pub const fn action_path(self) -> &'static str {
                match self {
                    #(Version::#variants => #paths,)*
                }
            }

            /// Every action of the version, batch endpoints included, in the spec's order.
            pub fn actions(self) -> Vec<VersionedAction> {
                match self {
                    #(Version::#variants => crate::#modules::Action::ALL
                        .into_iter()
                        .map(VersionedAction::#variants)
                        .collect(),)*
                }
            }

            /// The webhook actions of the version (what `register_webhook` takes), each with
            /// the filters it allows, in the reference's order.
            pub fn webhook_actions(self) -> Vec<(&'static str, &'static [&'static str])> {
                match self {
                    #(#webhook_arms)*
                }
            }

            /// Types `payload` as a delivery of the webhook `action` of the version (its
            /// `WebhookEvent::from_payload`): `false` when the version does not describe
            /// `action`, an error naming the field when the payload is not as documented.
            pub fn check_webhook_payload(
                self,
                action: &str,
                payload: &::serde_json::Value,
            ) -> Result<bool, crate::webhook::WebhookError> {
                match self {
                    #(#check_arms)*
                }
            }

            /// The action `name` of the version.
            pub fn action(self, name: &str) -> Option<VersionedAction> {
                match self {
                    #(Version::#variants => crate::#modules::Action::from_name(name)
                        .map(VersionedAction::#variants),)*
                }
            }
        }

        impl ::std::fmt::Display for Version {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// An action of one of the versions.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum VersionedAction {
            #(#action_docs #variants(crate::#modules::Action),)*
        }

        impl VersionedAction {
            /// The version it belongs to.
            pub fn version(self) -> Version {
                match self {
                    #(Self::#variants(_) => Version::#variants,)*
                }
            }

            /// Its path, name, whether it only reads and the keys its credentials go by.
            pub const fn info(self) -> &'static ActionInfo {
                match self {
                    #(Self::#variants(a) => a.info(),)*
                }
            }

            /// The name on the wire, e.g. `create_agent`.
            pub const fn name(self) -> &'static str {
                self.info().name
            }

            /// The scopes the reference lists, any one of which lets a token call it.
            pub const fn scopes(self) -> &'static [&'static str] {
                match self {
                    #(Self::#variants(a) => a.scopes(),)*
                }
            }

            /// `false` for the few actions any caller may use.
            pub const fn needs_authorization(self) -> bool {
                match self {
                    #(Self::#variants(a) => a.needs_authorization(),)*
                }
            }

            /// The stable version's action of the same name, if it has one.
            pub fn as_stable(self) -> Option<crate::Action> {
                crate::Action::from_name(self.name())
            }

            /// Decodes an answer of the action, as a client of its version would.
            pub fn check_response(self, body: &[u8]) -> Result<(), DecodeError> {
                match self {
                    #(Self::#variants(a) => a.decode_response(body).map(drop),)*
                }
            }

            /// Decodes and checks a request of the action, as a server of its version would.
            #[cfg(feature = "server")]
            pub fn decode_request(self, body: &[u8]) -> Result<VersionedRequest, DecodeError> {
                match self {
                    #(Self::#variants(a) => a.decode_request(body).map(VersionedRequest::#variants),)*
                }
            }
        }

        impl From<VersionedAction> for ActionName {
            fn from(action: VersionedAction) -> Self {
                match action {
                    #(VersionedAction::#variants(a) => a.into(),)*
                }
            }
        }

        /// Every action of every version, oldest version first.
        pub fn every_action() -> impl Iterator<Item = VersionedAction> {
            Version::ALL.into_iter().flat_map(Version::actions)
        }

        /// A request of one of the versions, decoded by its version's rules.
        #[cfg(feature = "server")]
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum VersionedRequest {
            #(#request_docs #variants(crate::#modules::AnyRequest),)*
        }

        #[cfg(feature = "server")]
        impl VersionedRequest {
            /// The action it is a request of.
            pub fn action(&self) -> VersionedAction {
                match self {
                    #(Self::#variants(r) => VersionedAction::#variants(r.action()),)*
                }
            }

            /// Runs the request through its version's `Handlers` (a version beside the stable
            /// one is served by its neighbour's where their specs agree, see `OwnHandlers`) and
            /// answers its body.
            pub fn dispatch<H, E>(self, handlers: &mut H) -> Result<::serde_json::Value, E>
            where
                H: #(crate::#modules::Handlers<Error = E>)+*,
            {
                match self {
                    #(Self::#variants(r) => crate::#modules::dispatch_request(handlers, r),)*
                }
            }
        }
    }
}
