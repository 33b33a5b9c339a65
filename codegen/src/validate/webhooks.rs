//! Checks of the spec's `webhooks`: the envelope has what the runtime reads, every action is one
//! the envelope can name, and every payload resolves.

use super::Checker;
use crate::names;
use crate::spec::{Field, Payload, TypeDef, Webhooks};
use crate::type_expr::TypeExpr;
use std::collections::BTreeSet;

impl Checker<'_> {
    /// Checks `webhooks` and returns the Rust names it generates, with their owners, for the
    /// caller to claim.
    pub(super) fn webhooks(&mut self, webhooks: &Webhooks) -> Vec<(String, String)> {
        let mut claims = vec![(names::WEBHOOK_EVENT.to_string(), "`webhooks`".to_string())];
        let values = self.envelope(&webhooks.envelope);
        let mut actions = BTreeSet::new();
        let mut variants = BTreeSet::new();
        for event in &webhooks.events {
            let owner = format!("webhook `{}`", event.action);
            if !actions.insert(event.action.as_str()) {
                self.error(&owner, "defined twice");
            }
            if event.section.trim().is_empty() {
                self.error(&owner, "needs the reference's `section`");
            }
            let variant = names::variant(&event.action);
            if variant == names::OTHER_VARIANT || !variants.insert(variant.clone()) {
                self.error(&owner, format!("variant `{variant}` is taken"));
            }
            if let Some(values) = &values {
                if !values.contains(&event.action) {
                    self.error(
                        &owner,
                        format!(
                            "`{}` is not a value of the envelope's `action`",
                            event.action
                        ),
                    );
                }
            }
            match &event.payload {
                Payload::Type { ty } => {
                    self.type_expr(&format!("{owner}, payload"), ty);
                }
                Payload::Fields { fields } => {
                    self.fields(&owner, "payload field", fields);
                    claims.push((names::payload_type(&event.action), owner.clone()));
                }
                Payload::Partial { partial, required } => {
                    self.partial(&owner, partial, required);
                    claims.push((names::payload_type(&event.action), owner.clone()));
                }
            }
            for example in &event.examples {
                if example.webhook.get("action").and_then(|a| a.as_str()) != Some(&event.action) {
                    self.error(
                        &owner,
                        format!("example \"{}\" names another action", example.title),
                    );
                }
            }
        }
        claims
    }

    /// The envelope is an object type with an always-required secret string `secret_key`, an
    /// always-required `action` of an enum type and an always-required `json` `payload`; returns
    /// the values of that enum.
    fn envelope(&mut self, name: &str) -> Option<Vec<String>> {
        let location = format!("webhooks, envelope `{name}`");
        let Some(TypeDef::Object { fields, .. }) = self.types.get(name).copied() else {
            self.error(&location, "is not an object type");
            return None;
        };
        let field = |wire: &str| {
            fields
                .iter()
                .find(|f| f.name == wire && f.always_required())
        };
        let parsed = |f: &Field| TypeExpr::parse(&f.ty).ok();
        if !field("secret_key").is_some_and(|f| f.secret && parsed(f) == Some(TypeExpr::String)) {
            self.error(
                &location,
                "needs an always-required secret string field `secret_key`",
            );
        }
        if !field("payload").is_some_and(|f| parsed(f) == Some(TypeExpr::Json)) {
            self.error(&location, "needs an always-required `json` field `payload`");
        }
        let values = field("action")
            .and_then(|f| self.named(&f.ty))
            .and_then(|def| match def {
                TypeDef::Enum { values, .. } => {
                    Some(values.iter().map(|v| v.value.clone()).collect())
                }
                _ => None,
            });
        if values.is_none() {
            self.error(
                &location,
                "needs an always-required field `action` of an enum type",
            );
        }
        values
    }

    /// `partial` names an object type and `required` some of its fields.
    fn partial(&mut self, owner: &str, partial: &str, required: &[String]) {
        let location = format!("{owner}, payload");
        let Some(TypeDef::Object { fields, .. }) = self.types.get(partial).copied() else {
            return self.error(&location, format!("`{partial}` is not an object type"));
        };
        for name in required {
            if !fields.iter().any(|f| &f.name == name) {
                self.error(&location, format!("`{name}` is not a field of `{partial}`"));
            }
        }
    }
}
