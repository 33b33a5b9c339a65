//! Which named items a version has unchanged from the stable one. Those are re-exported from the
//! stable version's module instead of defined again: a value then passes between versions as is,
//! and the sdk compiles each of them (serde impls included) once however many versions it has.

use super::{objects, unions, webhooks};
use crate::model::{Model, Response, Type};
use crate::names;
use proc_macro2::{TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};

/// The items of a version that another version may reuse, each as its own token stream.
pub struct Named {
    /// `types.rs`: `ErrorKind`, then each named type in the spec's order.
    pub types: Vec<(String, TokenStream)>,
    /// `webhook_events.rs`, when the version describes webhooks.
    pub webhooks: Option<webhooks::Items>,
}

impl Named {
    pub fn of(model: &Model) -> Self {
        let mut types = vec![("ErrorKind".to_string(), objects::error_kind(&model.errors))];
        // Named types are the API's resources (`Agent`, `Group`, …): users cache, export and log
        // them, so they keep both serde directions in every build; only the per-action request
        // and answer wrappers drop the direction a client never uses (see `objects::Role`).
        types.extend(model.types.iter().map(|def| {
            let tokens = match def {
                Type::Object(object) => {
                    objects::object(object, &model.types, objects::Role::Shared)
                }
                Type::Enum { name, doc, values } => objects::enumeration(name, doc, values),
                Type::Union(union) => unions::union(union),
            };
            (def.name().to_string(), tokens)
        }));
        Named {
            types,
            webhooks: model.webhooks.as_ref().map(|w| webhooks::items(model, w)),
        }
    }

    /// The names of the items behind the `chat-webhooks` feature: the types only its webhooks
    /// hold, and those webhooks' own payload types.
    pub fn gated(&self, model: &Model) -> BTreeSet<String> {
        let mut gated = model.gated_types.clone();
        if let Some(hooks) = &model.webhooks {
            gated.extend(
                hooks
                    .events
                    .iter()
                    .filter(|e| e.gated)
                    .filter_map(|e| e.object.as_ref())
                    .map(|o| o.name.clone()),
            );
        }
        gated
    }

    /// Each item's text as emitted; the envelope's includes its impl in `webhook_events.rs`, so
    /// a version without webhooks never lends its envelope to one with them.
    fn texts(&self, model: &Model) -> BTreeMap<String, TokenStream> {
        let mut texts: BTreeMap<String, TokenStream> = self.types.iter().cloned().collect();
        if let (Some(items), Some(hooks)) = (&self.webhooks, &model.webhooks) {
            texts.extend(items.payloads.iter().cloned());
            texts.insert(names::WEBHOOK_EVENT.to_string(), items.event.clone());
            texts
                .entry(hooks.envelope.clone())
                .or_default()
                .extend(items.envelope_impl.clone());
        }
        texts
    }
}

/// The names of `model`'s items that `base` defines with the same text and whose every
/// reference to another item of `model` is reused too: the same text naming a type that
/// changed would mean something else.
pub fn unchanged(
    model: &Model,
    named: &Named,
    base: &Model,
    base_named: &Named,
) -> BTreeSet<String> {
    let texts = named.texts(model);
    let base_texts = base_named.texts(base);
    // The texts are compared before the `chat-webhooks` gate goes on: a base's item every build
    // has serves a version that gates it, not the other way round.
    let (gated, base_gated) = (named.gated(model), base_named.gated(base));
    let own = own_names(model);
    let refs: BTreeMap<&String, BTreeSet<String>> = texts
        .iter()
        .map(|(name, tokens)| {
            let mut idents = BTreeSet::new();
            match model.types.iter().find(|t| t.name() == name) {
                // A named type refers to the types of its fields; its text may also hold a
                // variant that shares a type's name (`WebhookType::Bot`), which is no reference.
                Some(Type::Object(object)) => {
                    for field in &object.fields {
                        if let Some(named) = field.ty.named() {
                            idents.insert(named.to_string());
                        }
                    }
                }
                Some(Type::Union(union)) => {
                    idents.extend(union.variants.iter().map(|v| v.ty.clone()));
                }
                Some(Type::Enum { .. }) => {}
                None => collect_idents(tokens.clone(), &mut idents),
            }
            idents.retain(|i| i != name && own.contains(i));
            (name, idents)
        })
        .collect();
    let mut same: BTreeSet<String> = texts
        .iter()
        .filter(|(name, tokens)| {
            base_texts
                .get(*name)
                .is_some_and(|b| b.to_string() == tokens.to_string())
                && (gated.contains(*name) || !base_gated.contains(*name))
        })
        .map(|(name, _)| name.clone())
        .collect();
    loop {
        let before = same.len();
        let kept: BTreeSet<String> = same
            .iter()
            .filter(|name| refs[name].iter().all(|r| same.contains(r)))
            .cloned()
            .collect();
        same = kept;
        if same.len() == before {
            return same;
        }
    }
}

/// Every type name the version's module defines.
fn own_names(model: &Model) -> BTreeSet<String> {
    let mut own: BTreeSet<String> = ["ErrorKind", "Action", "AnyRequest", "Client", "Handlers"]
        .into_iter()
        .map(String::from)
        .collect();
    own.extend(model.types.iter().map(|t| t.name().to_string()));
    for action in &model.actions {
        own.insert(action.request.name.clone());
        if let Response::Fields(object) = &action.response {
            own.insert(object.name.clone());
        }
    }
    if let Some(hooks) = &model.webhooks {
        own.insert(names::WEBHOOK_EVENT.to_string());
        own.extend(
            hooks
                .events
                .iter()
                .filter_map(|e| e.object.as_ref().map(|o| o.name.clone())),
        );
    }
    own
}

fn collect_idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => {
                out.insert(ident.to_string());
            }
            TokenTree::Group(group) => collect_idents(group.stream(), out),
            _ => {}
        }
    }
}
