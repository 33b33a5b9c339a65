//! Checks of `union` types: a tag, variants that are object types without that tag among their
//! fields, each tag value and Rust variant once, none of them the `Other` that unknown tags take.

use super::Checker;
use crate::names;
use crate::spec::{TypeDef, UnionVariant};
use std::collections::BTreeSet;

impl Checker<'_> {
    pub(super) fn union(&mut self, owner: &str, tag: &str, variants: &[UnionVariant]) {
        if tag.trim().is_empty() {
            self.error(owner, "needs a `tag`");
        }
        if variants.is_empty() {
            self.error(owner, "has no variants");
        }
        let mut values = BTreeSet::new();
        let mut rust = BTreeSet::new();
        for variant in variants {
            let location = format!("{owner}, variant `{}`", variant.value);
            if variant.value.trim().is_empty() || !values.insert(variant.value.as_str()) {
                self.error(&location, "tag values must be non-empty and listed once");
            }
            let name = names::variant(&variant.value);
            if name == names::OTHER_VARIANT || !rust.insert(name.clone()) {
                self.error(&location, format!("variant `{name}` is taken"));
            }
            match self.types.get(variant.ty.as_str()).copied() {
                Some(TypeDef::Object { fields, .. }) => {
                    if fields.iter().any(|f| f.name == tag) {
                        self.error(
                            &location,
                            format!(
                                "`{}` has a field `{tag}`: the union writes its tag itself",
                                variant.ty
                            ),
                        );
                    }
                }
                _ => self.error(&location, format!("`{}` is not an object type", variant.ty)),
            }
        }
    }
}
