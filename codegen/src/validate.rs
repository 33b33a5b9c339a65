//! Checks a spec before anything is generated from it. Every problem names its spot
//! (`action \`create_agent\`, parameter \`groups\``) so a broken spec is quick to mend.

use crate::names;
use crate::spec::{Constraint, ConstraintKind, Field, Response, Spec, TypeDef};
use crate::type_expr::TypeExpr;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

mod unions;
mod webhooks;

/// One problem found in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// Where: `action \`create_agent\`, parameter \`groups\``.
    pub location: String,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Every problem found in a spec, in spec order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

struct Checker<'a> {
    types: BTreeMap<&'a str, &'a TypeDef>,
    errors: Vec<SpecError>,
}

impl<'a> Checker<'a> {
    fn error(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.errors.push(SpecError {
            location: location.into(),
            message: message.into(),
        });
    }

    fn type_expr(&mut self, location: &str, text: &str) -> Option<TypeExpr> {
        match TypeExpr::parse(text) {
            Ok(expr) => {
                if let Some(name) = expr.named() {
                    if !self.types.contains_key(name) {
                        self.error(location, format!("unknown type `{name}`"));
                        return None;
                    }
                }
                Some(expr)
            }
            Err(message) => {
                self.error(location, message);
                None
            }
        }
    }

    fn fields(&mut self, owner: &str, kind: &str, fields: &[Field]) {
        let mut seen = BTreeSet::new();
        let mut members = BTreeSet::new();
        for field in fields {
            let location = format!("{owner}, {kind} `{}`", field.name);
            if field.name.is_empty() {
                self.error(&location, "name is empty");
            }
            if !seen.insert(field.name.as_str()) {
                self.error(&location, "defined twice");
            }
            if !members.insert(names::member(&field.name).to_string()) {
                self.error(&location, "its Rust name clashes with another field's");
            }
            let string = TypeExpr::parse(&field.ty) == Ok(TypeExpr::String);
            if field.secret && !string {
                self.error(&location, "`secret` needs a string type");
            }
            if field.format.is_some() && !string {
                self.error(&location, "`format` needs a string type");
            }
            if let Some(allowed) = &field.request_values {
                self.request_values(&location, &field.ty, allowed);
            }
            if !field.may_omit.is_empty() {
                self.may_omit(&location, &field.ty, &field.may_omit);
            }
            if field.required_when.is_some() && !field.required {
                self.error(&location, "`required_when` is set but `required` is false");
            }
            let Some(expr) = self.type_expr(&location, &field.ty) else {
                continue;
            };
            // What the runtime's serde helpers cover: a `Duration` of its own, always present.
            if expr.to_string().contains("seconds")
                && (expr != TypeExpr::Seconds || !field.required || field.required_when.is_some())
            {
                self.error(
                    &location,
                    "`seconds` is the type of an always-required field only",
                );
            }
            if let Some(limits) = &field.limits {
                let numeric = expr.is_numeric() && expr != TypeExpr::Number;
                let array = matches!(expr, TypeExpr::Array(_));
                if (limits.min.is_some() || limits.max.is_some()) && !numeric {
                    self.error(&location, "`min`/`max` limits need an int or uint type");
                }
                if limits.max_length.is_some() && expr != TypeExpr::String {
                    self.error(&location, "`max_length` needs a string type");
                }
                if limits.min_length.is_some() && expr != TypeExpr::String {
                    self.error(&location, "`min_length` needs a string type");
                }
                if (limits.min_items.is_some() || limits.max_items.is_some()) && !array {
                    self.error(&location, "`min_items`/`max_items` need an array type");
                }
            }
        }
    }

    fn constraints(&mut self, owner: &str, fields: &[Field], constraints: &[Constraint]) {
        for constraint in constraints {
            let location = format!("{owner}, constraint {:?}", constraint.kind);
            if constraint.fields.len() < 2 && constraint.kind == ConstraintKind::AtMostOneOf {
                self.error(&location, "needs at least two fields");
            }
            if constraint.fields.is_empty() {
                self.error(&location, "names no field");
            }
            if constraint.kind == ConstraintKind::AvailableFilters {
                self.available_filters(&location, fields, constraint);
                continue;
            }
            if constraint.kind == ConstraintKind::RequiredIfNonEmpty {
                self.required_if_non_empty(&location, fields, constraint);
            } else if constraint.selector.is_some() {
                self.error(
                    &location,
                    "`selector` is only for `available_filters` and `required_if_non_empty`",
                );
            }
            for name in &constraint.fields {
                match fields.iter().find(|f| &f.name == name) {
                    None => self.error(&location, format!("unknown field `{name}`")),
                    Some(f) if f.always_required() => self.error(
                        &location,
                        format!("field `{name}` is always required, so the rule is void"),
                    ),
                    Some(_) => {}
                }
            }
        }
    }

    /// `selector` names an array or map field of the same object.
    fn required_if_non_empty(&mut self, location: &str, fields: &[Field], constraint: &Constraint) {
        let selector = constraint.selector.as_deref().unwrap_or_default();
        let collection = fields
            .iter()
            .find(|f| f.name == selector)
            .is_some_and(|f| is_collection(&f.ty));
        if !collection {
            self.error(
                location,
                format!("selector `{selector}` must be an array or map field"),
            );
        }
    }

    /// The named type a type expression is, if it is one the spec defines.
    fn named(&self, ty: &str) -> Option<&'a TypeDef> {
        match TypeExpr::parse(ty) {
            Ok(TypeExpr::Named(name)) => self.types.get(name.as_str()).copied(),
            _ => None,
        }
    }

    /// `omitted` names always-required list or map fields of the field's object type.
    fn may_omit(&mut self, location: &str, ty: &str, omitted: &[String]) {
        let Some(TypeDef::Object { fields, .. }) = self.named(ty) else {
            return self.error(location, "`may_omit` needs an object type");
        };
        for name in omitted {
            let collection = fields
                .iter()
                .find(|f| &f.name == name)
                .is_some_and(|f| f.always_required() && is_collection(&f.ty));
            if !collection {
                self.error(
                    location,
                    format!("`may_omit`: `{name}` is not a required list or map of `{ty}`"),
                );
            }
        }
    }

    /// `allowed` is a non-empty subset of the values of the field's enum type.
    fn request_values(&mut self, location: &str, ty: &str, allowed: &[String]) {
        let Some(TypeDef::Enum { values, .. }) = self.named(ty) else {
            return self.error(location, "`request_values` needs an enum type");
        };
        if allowed.is_empty() {
            self.error(location, "`request_values` is empty");
        }
        for value in allowed {
            if !values.iter().any(|v| &v.value == value) {
                self.error(
                    location,
                    format!("request value `{value}` is not a value of `{ty}`"),
                );
            }
        }
    }

    /// `fields` is one object-typed field; `selector` an always-required field of an enum type
    /// whose values list `available_filters`, each field of the object in at least one list.
    fn available_filters(&mut self, location: &str, fields: &[Field], constraint: &Constraint) {
        let named = |name: &str| {
            fields
                .iter()
                .find(|f| f.name == name)
                .and_then(|f| TypeExpr::parse(&f.ty).ok())
                .and_then(|expr| match expr {
                    TypeExpr::Named(ty) => Some(ty),
                    _ => None,
                })
        };
        let object = match constraint.fields.as_slice() {
            [name] => named(name).and_then(|ty| match self.types.get(ty.as_str()).copied() {
                Some(TypeDef::Object { fields, .. }) => Some(fields.as_slice()),
                _ => None,
            }),
            _ => None,
        };
        let Some(object) = object else {
            return self.error(location, "`fields` must name one field of an object type");
        };
        let Some(selector) = &constraint.selector else {
            return self.error(location, "`selector` is missing");
        };
        let required = fields
            .iter()
            .any(|f| &f.name == selector && f.always_required());
        let values = named(selector).and_then(|ty| match self.types.get(ty.as_str()).copied() {
            Some(TypeDef::Enum { values, .. }) => Some(values.as_slice()),
            _ => None,
        });
        let (true, Some(values)) = (required, values) else {
            return self.error(
                location,
                format!("selector `{selector}` must be an always-required field of an enum type"),
            );
        };
        for field in object {
            let listed = values.iter().any(|v| {
                v.available_filters
                    .as_ref()
                    .is_some_and(|list| list.contains(&field.name))
            });
            if !listed {
                self.error(
                    location,
                    format!(
                        "filter `{}` is in no `available_filters` of `{selector}`",
                        field.name
                    ),
                );
            }
        }
    }
}

impl Checker<'_> {
    /// The names of a `paging` key exist in the action's request and answer, with fitting types.
    fn paging(
        &mut self,
        location: &str,
        action: &crate::spec::Action,
        paging: &crate::spec::Paging,
    ) {
        let param = |name: &str| action.params.iter().find(|f| f.name == name);
        let ty = |f: &Field| TypeExpr::parse(&f.ty).ok();
        match param(&paging.page_id) {
            Some(f) if f.always_required() => self.error(
                location,
                format!("page id parameter `{}` must be optional", f.name),
            ),
            Some(f) if ty(f) != Some(TypeExpr::String) => self.error(
                location,
                format!("page id parameter `{}` must be a string", f.name),
            ),
            Some(_) => {}
            None => self.error(
                location,
                format!("no parameter `{}` (page_id)", paging.page_id),
            ),
        }
        match param(&paging.limit) {
            Some(f) if !ty(f).is_some_and(|t| t.is_numeric()) => self.error(
                location,
                format!("limit parameter `{}` must be a number", f.name),
            ),
            Some(_) => {}
            None => self.error(location, format!("no parameter `{}` (limit)", paging.limit)),
        }
        for name in &paging.excluded_by_page_id {
            match param(name) {
                _ if *name == paging.page_id => {
                    self.error(location, "the page id cannot exclude itself")
                }
                Some(f) if f.always_required() => self.error(
                    location,
                    format!("`{name}` is required, so a page id cannot leave it out"),
                ),
                Some(_) => {}
                None => self.error(
                    location,
                    format!("`{name}` (excluded_by_page_id) is not a parameter"),
                ),
            }
        }
        let fields = match &action.response {
            Response::Fields { fields } => fields,
            _ => {
                self.error(location, "a paged action's response must list its fields");
                return;
            }
        };
        let field = |name: &str| fields.iter().find(|f| f.name == name);
        match field(&paging.items) {
            Some(f) if !matches!(ty(f), Some(TypeExpr::Array(_))) => self.error(
                location,
                format!("items field `{}` must be an array", f.name),
            ),
            Some(_) => {}
            None => self.error(
                location,
                format!("no response field `{}` (items)", paging.items),
            ),
        }
        match field(&paging.next_page_id) {
            Some(f) if ty(f) != Some(TypeExpr::String) => self.error(
                location,
                format!("next page id field `{}` must be a string", f.name),
            ),
            Some(_) => {}
            None => self.error(
                location,
                format!("no response field `{}` (next_page_id)", paging.next_page_id),
            ),
        }
    }
}

/// Modules the generator writes besides one per section.
const GENERATED_MODULES: [&str; 4] = ["types", "action", "server", names::WEBHOOK_EVENTS_MODULE];

/// Checks that every type reference resolves, names are unique, enum values are non-empty and
/// every generated Rust name is free.
pub fn validate(spec: &Spec) -> Result<(), SpecErrors> {
    let mut c = Checker {
        types: BTreeMap::new(),
        errors: Vec::new(),
    };
    let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
    let mut claim = |c: &mut Checker, rust: String, owner: String| {
        if let Some(first) = rust_names.get(&rust) {
            c.error(
                owner,
                format!("its Rust name `{rust}` is already taken by {first}"),
            );
        } else {
            rust_names.insert(rust, owner);
        }
    };

    let mut sections = BTreeSet::new();
    for section in &spec.sections {
        if !sections.insert(section.name.as_str()) {
            c.error(format!("section `{}`", section.name), "defined twice");
        }
        if GENERATED_MODULES.contains(&section.name.as_str()) {
            c.error(
                format!("section `{}`", section.name),
                "its module name is taken by the generated code",
            );
        }
    }
    let mut error_types = BTreeSet::new();
    for error in &spec.errors {
        if error.kind.is_empty() || !error_types.insert(error.kind.as_str()) {
            c.error(
                format!("error type `{}`", error.kind),
                "empty or defined twice",
            );
        }
    }

    for def in &spec.types {
        let location = format!("type `{}`", def.name());
        if !crate::type_expr::is_type_name(def.name()) {
            c.error(&location, "a type name must be PascalCase");
        }
        if c.types.insert(def.name(), def).is_some() {
            c.error(&location, "defined twice");
        }
        if let Some(root) = names::ROOT_ITEMS.iter().find(|r| **r == def.name()) {
            c.error(
                &location,
                format!("its name is taken by the sdk's own `{root}`, which it would hide or be hidden by"),
            );
        }
        claim(&mut c, def.name().to_string(), location);
    }
    for reserved in ["Action", "AnyRequest", "AnyResponse", "ErrorKind"] {
        claim(&mut c, reserved.to_string(), "the generated code".into());
    }

    for def in &spec.types {
        let owner = format!("type `{}`", def.name());
        match def {
            TypeDef::Object {
                fields,
                constraints,
                ..
            } => {
                c.fields(&owner, "field", fields);
                c.constraints(&owner, fields, constraints);
            }
            TypeDef::Enum { values, .. } => {
                if values.is_empty() {
                    c.error(&owner, "has no values");
                }
                let mut variants = BTreeSet::new();
                for value in values {
                    let location = format!("{owner}, value `{}`", value.value);
                    if value.value.trim().is_empty() {
                        c.error(&location, "enum values must be non-empty");
                        continue;
                    }
                    let variant = names::variant(&value.value);
                    if variant == names::OTHER_VARIANT || !variants.insert(variant.clone()) {
                        c.error(&location, format!("variant `{variant}` is taken"));
                    }
                }
            }
            TypeDef::Union { tag, variants, .. } => c.union(&owner, tag, variants),
        }
    }

    let mut actions = BTreeSet::new();
    for action in &spec.actions {
        let owner = format!("action `{}`", action.name);
        if action.name.is_empty()
            || !action
                .name
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '_')
        {
            c.error(&owner, "an action name is lowercase snake_case");
        }
        if !actions.insert(action.name.as_str()) {
            c.error(&owner, "defined twice");
        }
        if !sections.contains(action.section.as_str()) {
            c.error(&owner, format!("unknown section `{}`", action.section));
        }
        for scope in action.scopes.iter().chain(action.scope_notes.keys()) {
            if scope.trim().is_empty() || scope.contains(char::is_whitespace) {
                c.error(&owner, format!("scope `{scope}` is not a scope string"));
            }
        }
        for noted in action.scope_notes.keys() {
            if !action.scopes.contains(noted) {
                c.error(
                    &owner,
                    format!("scope note for `{noted}`, which is not among its scopes"),
                );
            }
        }
        claim(&mut c, names::request_type(&action.name), owner.clone());
        claim(&mut c, names::action_type(&action.name), owner.clone());
        c.fields(&owner, "parameter", &action.params);
        c.constraints(&owner, &action.params, &action.constraints);
        match (&action.response, action.batch, &action.batch_endpoint) {
            (_, true, None) => c.error(&owner, "`batch` is true but `batch_endpoint` is missing"),
            (_, false, Some(_)) => c.error(&owner, "`batch_endpoint` is set but `batch` is false"),
            _ => {}
        }
        if let Some(endpoint) = &action.batch_endpoint {
            if !actions.insert(endpoint.as_str()) {
                c.error(
                    &owner,
                    format!("batch endpoint `{endpoint}` is defined twice"),
                );
            }
            claim(&mut c, names::action_type(endpoint), owner.clone());
        }
        match &action.response {
            Response::Empty { empty } if !empty => {
                c.error(&owner, "response `empty` must be true (or give a type)")
            }
            Response::Empty { .. } => {}
            Response::Type { ty } => {
                c.type_expr(&format!("{owner}, response"), ty);
            }
            Response::Fields { fields } => {
                claim(&mut c, names::response_type(&action.name), owner.clone());
                c.fields(&owner, "response field", fields);
            }
        }
    }
    for action in &spec.actions {
        if let Some(paging) = &action.paging {
            c.paging(&format!("action `{}`, paging", action.name), action, paging);
        }
    }
    if let Some(webhooks) = &spec.webhooks {
        for (rust, owner) in c.webhooks(webhooks) {
            claim(&mut c, rust, owner);
        }
    }
    if c.errors.is_empty() {
        Ok(())
    } else {
        Err(SpecErrors(c.errors))
    }
}

/// Whether a type expression is an array or a map.
fn is_collection(ty: &str) -> bool {
    TypeExpr::parse(ty).is_ok_and(|e| matches!(e, TypeExpr::Array(_) | TypeExpr::Map(_)))
}
