//! `webhook_events.rs`: the typed payloads of the webhooks the spec describes, the
//! `WebhookEvent` enum with one variant per action, and what the runtime's `webhook` module
//! needs from this version's envelope.

use super::{doc, objects, rust_type};
use crate::model::{Model, Type, Webhooks};
use crate::names;
use crate::type_expr::TypeExpr;
use proc_macro2::TokenStream;
use quote::quote;

/// The named items of `webhook_events.rs`, each as its own token stream so that a version can
/// reuse the stable version's copy of one that did not change.
pub struct Items {
    /// Each payload object the spec defines in place, by name.
    pub payloads: Vec<(String, TokenStream)>,
    /// `WebhookEvent` with its impls.
    pub event: TokenStream,
    /// What the runtime needs of the envelope type, which lives in `types.rs`.
    pub envelope_impl: TokenStream,
}

pub fn items(model: &Model, webhooks: &Webhooks) -> Items {
    let payloads = webhooks
        .events
        .iter()
        .filter_map(|event| event.object.as_ref())
        .map(|object| {
            let tokens = objects::object(object, &model.types, objects::Role::Response);
            (object.name.clone(), tokens)
        })
        .collect();
    let feature = crate::model::CHAT_WEBHOOKS_FEATURE;
    // The attribute that puts a gated webhook's variant and match arms behind the feature.
    let cfg: Vec<TokenStream> = webhooks
        .events
        .iter()
        .map(|e| match e.gated {
            true => quote!(#[cfg(feature = #feature)]),
            false => TokenStream::new(),
        })
        .collect();
    let event_enum = names::ident(names::WEBHOOK_EVENT);
    let actions = names::ident(&webhooks.action_enum);
    let envelope = names::ident(&webhooks.envelope);

    let variants: Vec<_> = webhooks
        .events
        .iter()
        .map(|e| names::ident(&names::variant(&e.action)))
        .collect();
    let decls = webhooks
        .events
        .iter()
        .zip(&variants)
        .zip(&cfg)
        .map(|((e, variant), cfg)| {
            let mut text = format!("`{}`: {}", e.action, e.description.trim());
            if e.gated {
                text.push_str(&format!("\n\nWith the `{feature}` feature."));
            }
            let variant_doc = doc(&text);
            let ty = rust_type(&e.payload);
            quote!(#variant_doc #cfg #variant(#ty),)
        });
    let to_action = variants
        .iter()
        .zip(&cfg)
        .map(|(v, cfg)| quote!(#cfg Self::#v(_) => #actions::#v,));
    let to_payload = variants.iter().zip(&cfg).map(|(v, cfg)| {
        quote!(#cfg Self::#v(payload) => ::serde_json::to_value(payload).unwrap_or_default(),)
    });
    let always: Vec<_> = webhooks
        .events
        .iter()
        .zip(&variants)
        .filter(|(e, _)| !e.gated)
        .map(|(_, v)| v)
        .collect();
    let any_gated = webhooks.events.iter().any(|e| e.gated);
    let actions_const = if any_gated {
        quote! {
            /// The actions this version types, in the reference's order.
            #[cfg(feature = #feature)]
            pub const ACTIONS: &'static [#actions] = &[#(#actions::#variants),*];
            /// The actions this version types, in the reference's order: those of the
            /// license-configuration webhooks (the rest need the `chat-webhooks` feature).
            #[cfg(not(feature = #feature))]
            pub const ACTIONS: &'static [#actions] = &[#(#actions::#always),*];
        }
    } else {
        quote! {
            /// The actions this version types, in the reference's order.
            pub const ACTIONS: &'static [#actions] = &[#(#actions::#variants),*];
        }
    };
    let decode = webhooks
        .events
        .iter()
        .zip(&variants)
        .zip(&cfg)
        .map(|((e, v), cfg)| {
            let shape = match shape(model, &e.payload) {
                Shape::Object => quote!(Object),
                Shape::Array => quote!(Array),
                Shape::Any => quote!(Any),
            };
            let action = &e.action;
            quote! {
                #cfg #actions::#v => Self::#v(crate::webhook::decode_payload(
                    #action, payload, crate::webhook::PayloadShape::#shape,
                )?),
            }
        });
    let gated_doc = if any_gated {
        format!(
            "\n\nThe license-configuration webhooks are typed in every build; the others \
             (chats, events, users, properties, …) with the `{feature}` feature, without which \
             they are [`{}::Other`] too.",
            names::WEBHOOK_EVENT
        )
    } else {
        String::new()
    };
    let enum_doc = doc(&format!(
        "The payload of a webhook delivery, typed by its `action`.\n\n{}\n\n\
         A delivery of an action this version does not describe (one a later API version \
         adds) is [`{}::Other`], its payload kept as JSON.{gated_doc}",
        webhooks.description.trim(),
        names::WEBHOOK_EVENT,
    ));

    let event = quote! {
        #enum_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #event_enum {
            #(#decls)*
            /// A delivery of an action this version does not describe, its payload as sent.
            Other {
                /// The delivery's `action`.
                action: #actions,
                /// The delivery's `payload`.
                payload: ::serde_json::Value,
            },
        }

        impl #event_enum {
            #actions_const

            /// The delivery's `action`.
            pub fn action(&self) -> #actions {
                match self {
                    #(#to_action)*
                    Self::Other { action, .. } => action.clone(),
                }
            }

            /// The payload as a delivery carries it (feature `server`: what a sender of
            /// webhooks needs and a receiver does not).
            #[cfg(feature = "server")]
            pub fn payload(&self) -> ::serde_json::Value {
                match self {
                    #(#to_payload)*
                    Self::Other { payload, .. } => payload.clone(),
                }
            }

            /// Types the `payload` of a delivery of `action`. An action this version does not
            /// type gives [`Self::Other`]; a typed one whose payload has another shape is
            /// [`WebhookError::UnexpectedPayload`](crate::webhook::WebhookError::UnexpectedPayload).
            #[inline]
            pub fn from_payload(
                action: &#actions,
                payload: &::serde_json::Value,
            ) -> Result<Self, crate::webhook::WebhookError> {
                Ok(match action {
                    #(#decode)*
                    other => Self::Other { action: other.clone(), payload: payload.clone() },
                })
            }
        }

        impl crate::webhook::Event for #event_enum {
            type Envelope = #envelope;

            fn secret_key(envelope: &#envelope) -> &str {
                &envelope.secret_key
            }

            #[inline]
            fn decode(envelope: &#envelope) -> Result<Self, crate::webhook::WebhookError> {
                Self::from_payload(&envelope.action, &envelope.payload)
            }
        }
    };
    let envelope_impl = quote! {
        impl #envelope {
            /// `true` when `secret_key` equals `secret`, compared in constant time (see
            /// [`webhook`](crate::webhook)).
            pub fn secret_matches(&self, secret: &str) -> bool {
                crate::webhook::secret_matches(&self.secret_key, secret)
            }
        }
    };
    Items {
        payloads,
        event,
        envelope_impl,
    }
}

enum Shape {
    Object,
    Array,
    Any,
}

/// The JSON a payload type reads from. Serde would also read a struct from an array of its
/// fields, so the runtime checks this before decoding.
fn shape(model: &Model, ty: &TypeExpr) -> Shape {
    match ty {
        TypeExpr::Array(_) => Shape::Array,
        TypeExpr::Map(_) => Shape::Object,
        TypeExpr::Named(name) => {
            let object = model.types.iter().any(|t| {
                matches!(t, Type::Object(o) if &o.name == name)
                    || matches!(t, Type::Union(u) if &u.name == name)
            });
            let in_place = model
                .webhooks
                .iter()
                .flat_map(|w| &w.events)
                .any(|e| e.object.as_ref().is_some_and(|o| &o.name == name));
            if object || in_place {
                Shape::Object
            } else {
                Shape::Any
            }
        }
        _ => Shape::Any,
    }
}
