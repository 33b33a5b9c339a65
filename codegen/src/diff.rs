//! What one spec changes against another, for readers of a new API version.
//!
//! Only what a caller of the API can observe is compared: descriptions, titles, examples, notes
//! and scope footnotes are prose and change without changing the API. The rendering is one line
//! per change, naming actions, fields and enum values verbatim so it can be searched.

use crate::names;
use crate::spec::{Action, Constraint, Field, Limits, Payload, Response, Spec, TypeDef};
use crate::type_expr::TypeExpr;
use std::collections::HashSet;
use std::fmt::{self, Write};

/// Everything `new` changes against `old`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpecDiff {
    /// One entry per section with a change, in the new spec's section order; sections the new
    /// spec dropped follow in the old spec's order.
    pub sections: Vec<SectionDiff>,
    pub types: TypesDiff,
    /// Error types added and removed.
    pub errors_added: Vec<String>,
    pub errors_removed: Vec<String>,
    /// Typed webhooks (`webhooks.events`) added, removed, or whose payload shape changed.
    pub webhooks: SectionDiff,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SectionDiff {
    pub name: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<ItemDiff>,
}

impl SectionDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypesDiff {
    /// Added types, each with its kind (`object`, or `enum: a, b`).
    pub added: Vec<(String, String)>,
    pub removed: Vec<String>,
    pub changed: Vec<ItemDiff>,
}

/// The changes of one action or named type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemDiff {
    pub name: String,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// `path` is `Owner.field`, e.g. `CreateAgentRequest.nickname`; `summary` its type and rules.
    FieldAdded {
        path: String,
        summary: String,
    },
    FieldRemoved {
        path: String,
    },
    /// One property (`type`, `required`, `limits`, …) of a field, an action or a type.
    Changed {
        path: String,
        what: &'static str,
        old: String,
        new: String,
    },
    ValueAdded {
        path: String,
        value: String,
    },
    ValueRemoved {
        path: String,
        value: String,
    },
    ScopeAdded(String),
    ScopeRemoved(String),
    /// The batch endpoint's name.
    BatchGained(String),
    BatchLost(String),
    ConstraintAdded {
        path: String,
        rule: String,
    },
    ConstraintRemoved {
        path: String,
        rule: String,
    },
}

impl SpecDiff {
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
            && self.types == TypesDiff::default()
            && self.errors_added.is_empty()
            && self.errors_removed.is_empty()
            && self.webhooks.is_empty()
    }

    /// The text rendering; `no changes` when there are none.
    pub fn render(&self) -> String {
        self.to_string()
    }
}

/// Compares two loaded specs.
pub fn diff(old: &Spec, new: &Spec) -> SpecDiff {
    let cx = Cx { old, new };
    let mut section_names: Vec<&str> = new.sections.iter().map(|s| s.name.as_str()).collect();
    for section in &old.sections {
        if !section_names.contains(&section.name.as_str()) {
            section_names.push(&section.name);
        }
    }
    let sections = section_names
        .into_iter()
        .map(|name| cx.section(name))
        .filter(|s| !s.is_empty())
        .collect();
    let (errors_added, errors_removed) = added_removed(
        old.errors.iter().map(|e| e.kind.clone()).collect(),
        new.errors.iter().map(|e| e.kind.clone()).collect(),
    );
    SpecDiff {
        sections,
        types: cx.types(),
        errors_added,
        errors_removed,
        webhooks: webhooks(old, new),
    }
}

/// The webhooks of a spec, each with its payload's shape in words.
fn webhook_payloads(spec: &Spec) -> Vec<(String, String)> {
    let events = spec.webhooks.iter().flat_map(|w| &w.events);
    events
        .map(|e| {
            let shape = match &e.payload {
                Payload::Type { ty } => ty.clone(),
                Payload::Fields { fields } => {
                    let list: Vec<String> = fields
                        .iter()
                        .map(|f| format!("{}: {}", f.name, field_summary(f)))
                        .collect();
                    format!("{{{}}}", list.join(", "))
                }
                Payload::Partial { partial, required } => {
                    format!("{partial}, only {} required", required.join(", "))
                }
            };
            (e.action.clone(), shape)
        })
        .collect()
}

fn webhooks(old: &Spec, new: &Spec) -> SectionDiff {
    let (old, new) = (webhook_payloads(old), webhook_payloads(new));
    let names = |list: &[(String, String)]| list.iter().map(|(a, _)| a.clone()).collect();
    let (added, removed) = added_removed(names(&old), names(&new));
    let changed = new
        .iter()
        .filter_map(|(action, shape)| {
            let (_, before) = old.iter().find(|(a, _)| a == action)?;
            (before != shape).then(|| ItemDiff {
                name: action.clone(),
                changes: vec![Change::Changed {
                    path: action.clone(),
                    what: "payload",
                    old: before.clone(),
                    new: shape.clone(),
                }],
            })
        })
        .collect();
    SectionDiff {
        name: "Webhooks".to_string(),
        added,
        removed,
        changed,
    }
}

struct Cx<'a> {
    old: &'a Spec,
    new: &'a Spec,
}

/// Items of `new` not in `old`, in new order, and items of `old` not in `new`, in old order.
fn added_removed(old: Vec<String>, new: Vec<String>) -> (Vec<String>, Vec<String>) {
    let added = new.iter().filter(|n| !old.contains(n)).cloned().collect();
    let removed = old.iter().filter(|o| !new.contains(o)).cloned().collect();
    (added, removed)
}

impl Cx<'_> {
    fn section(&self, name: &str) -> SectionDiff {
        let mut diff = SectionDiff {
            name: name.to_string(),
            ..SectionDiff::default()
        };
        for action in self.new.actions.iter().filter(|a| a.section == name) {
            match self.old.action(&action.name) {
                None => diff.added.push(action.name.clone()),
                Some(old) => {
                    let changes = self.action(old, action);
                    if !changes.is_empty() {
                        diff.changed.push(ItemDiff {
                            name: action.name.clone(),
                            changes,
                        });
                    }
                }
            }
        }
        for action in self.old.actions.iter().filter(|a| a.section == name) {
            if self.new.action(&action.name).is_none() {
                diff.removed.push(action.name.clone());
            }
        }
        diff
    }

    fn action(&self, old: &Action, new: &Action) -> Vec<Change> {
        let mut out = Vec::new();
        if old.section != new.section {
            out.push(changed("section", "section", &old.section, &new.section));
        }
        if old.read_only != new.read_only {
            out.push(changed(
                "read_only",
                "read_only",
                old.read_only,
                new.read_only,
            ));
        }
        match (&old.batch_endpoint, &new.batch_endpoint) {
            (None, Some(endpoint)) => out.push(Change::BatchGained(endpoint.clone())),
            (Some(endpoint), None) => out.push(Change::BatchLost(endpoint.clone())),
            (Some(a), Some(b)) if a != b => out.push(changed("batch", "endpoint", a, b)),
            _ => {}
        }
        let paging = |p: &Option<crate::spec::Paging>| match p {
            None => "none".to_string(),
            Some(p) => format!(
                "{{page_id {}, limit {}, items {}, next_page_id {}, excluded_by_page_id [{}]}}",
                p.page_id,
                p.limit,
                p.items,
                p.next_page_id,
                p.excluded_by_page_id.join(", ")
            ),
        };
        let (old_paging, new_paging) = (paging(&old.paging), paging(&new.paging));
        if old_paging != new_paging {
            out.push(changed("paging", "paging", old_paging, new_paging));
        }
        let (added, removed) = added_removed(old.scopes.clone(), new.scopes.clone());
        out.extend(added.into_iter().map(Change::ScopeAdded));
        out.extend(removed.into_iter().map(Change::ScopeRemoved));
        let request = names::request_type(&new.name);
        self.fields(
            &mut out,
            &request,
            &old.params,
            &new.params,
            &mut HashSet::new(),
        );
        constraints(&mut out, &request, &old.constraints, &new.constraints);
        self.response(&mut out, &new.name, &old.response, &new.response);
        out
    }

    fn response(&self, out: &mut Vec<Change>, action: &str, old: &Response, new: &Response) {
        match (old, new) {
            (Response::Fields { fields: a }, Response::Fields { fields: b }) => {
                let owner = names::response_type(action);
                self.fields(out, &owner, a, b, &mut HashSet::new());
            }
            (Response::Type { ty: a }, Response::Type { ty: b }) if a != b => {
                out.push(changed("response", "type", a, b));
                self.nested(out, "response", a, b, &mut HashSet::new());
            }
            (Response::Type { .. }, Response::Type { .. }) => {}
            (Response::Empty { .. }, Response::Empty { .. }) => {}
            _ => out.push(changed(
                "response",
                "response",
                response_shape(action, old),
                response_shape(action, new),
            )),
        }
    }

    fn types(&self) -> TypesDiff {
        let mut diff = TypesDiff::default();
        for ty in &self.new.types {
            match self.old.named_type(ty.name()) {
                None => diff.added.push((ty.name().to_string(), kind_summary(ty))),
                Some(old) => {
                    let mut changes = Vec::new();
                    self.named(&mut changes, ty.name(), old, ty, &mut HashSet::new());
                    if !changes.is_empty() {
                        diff.changed.push(ItemDiff {
                            name: ty.name().to_string(),
                            changes,
                        });
                    }
                }
            }
        }
        for ty in &self.old.types {
            if self.new.named_type(ty.name()).is_none() {
                diff.removed.push(ty.name().to_string());
            }
        }
        diff
    }

    /// Compares two type definitions found at `path`; `seen` holds the pairs being compared further
    /// up the path, so a recursive type stops instead of looping, while the same pair reached by
    /// another path is still listed there.
    fn named(
        &self,
        out: &mut Vec<Change>,
        path: &str,
        old: &TypeDef,
        new: &TypeDef,
        seen: &mut HashSet<(String, String)>,
    ) {
        let pair = (old.name().to_string(), new.name().to_string());
        if !seen.insert(pair.clone()) {
            return;
        }
        match (old, new) {
            (
                TypeDef::Object {
                    fields: a,
                    constraints: ca,
                    ..
                },
                TypeDef::Object {
                    fields: b,
                    constraints: cb,
                    ..
                },
            ) => {
                self.fields(out, path, a, b, seen);
                constraints(out, path, ca, cb);
            }
            (TypeDef::Enum { values: a, .. }, TypeDef::Enum { values: b, .. }) => {
                for value in b {
                    match a.iter().find(|v| v.value == value.value) {
                        None => out.push(Change::ValueAdded {
                            path: path.to_string(),
                            value: value.value.clone(),
                        }),
                        Some(old) if old.available_filters != value.available_filters => {
                            out.push(changed(
                                format!("{path}.{}", value.value),
                                "available_filters",
                                list(old.available_filters.as_deref()),
                                list(value.available_filters.as_deref()),
                            ))
                        }
                        Some(_) => {}
                    }
                }
                for value in a {
                    if !b.iter().any(|v| v.value == value.value) {
                        out.push(Change::ValueRemoved {
                            path: path.to_string(),
                            value: value.value.clone(),
                        });
                    }
                }
            }
            (
                TypeDef::Union {
                    tag: ta,
                    variants: a,
                    ..
                },
                TypeDef::Union {
                    tag: tb,
                    variants: b,
                    ..
                },
            ) => {
                if ta != tb {
                    out.push(changed(path, "tag", ta, tb));
                }
                // A variant's own type is compared under its own name.
                for variant in b {
                    match a.iter().find(|v| v.value == variant.value) {
                        None => out.push(Change::ValueAdded {
                            path: path.to_string(),
                            value: variant.value.clone(),
                        }),
                        Some(old) if old.ty != variant.ty => out.push(changed(
                            format!("{path}.{}", variant.value),
                            "type",
                            &old.ty,
                            &variant.ty,
                        )),
                        Some(_) => {}
                    }
                }
                for variant in a {
                    if !b.iter().any(|v| v.value == variant.value) {
                        out.push(Change::ValueRemoved {
                            path: path.to_string(),
                            value: variant.value.clone(),
                        });
                    }
                }
            }
            _ => out.push(changed(path, "kind", kind(old), kind(new))),
        }
        seen.remove(&pair);
    }

    fn fields(
        &self,
        out: &mut Vec<Change>,
        owner: &str,
        old: &[Field],
        new: &[Field],
        seen: &mut HashSet<(String, String)>,
    ) {
        for field in new {
            if !old.iter().any(|f| f.name == field.name) {
                out.push(Change::FieldAdded {
                    path: format!("{owner}.{}", field.name),
                    summary: field_summary(field),
                });
            }
        }
        for field in old {
            if !new.iter().any(|f| f.name == field.name) {
                out.push(Change::FieldRemoved {
                    path: format!("{owner}.{}", field.name),
                });
            }
        }
        for field in new {
            if let Some(before) = old.iter().find(|f| f.name == field.name) {
                self.field(out, &format!("{owner}.{}", field.name), before, field, seen);
            }
        }
    }

    fn field(
        &self,
        out: &mut Vec<Change>,
        path: &str,
        old: &Field,
        new: &Field,
        seen: &mut HashSet<(String, String)>,
    ) {
        let mut nested = Vec::new();
        if old.ty != new.ty {
            out.push(changed(path, "type", &old.ty, &new.ty));
            self.nested(&mut nested, path, &old.ty, &new.ty, seen);
        }
        let (a, b) = (required_flag(old), required_flag(new));
        if a != b {
            out.push(changed(path, "required", a, b));
        }
        if old.default != new.default {
            out.push(changed(
                path,
                "default",
                json(&old.default),
                json(&new.default),
            ));
        }
        if old.limits != new.limits {
            out.push(changed(
                path,
                "limits",
                limits(&old.limits),
                limits(&new.limits),
            ));
        }
        if old.format != new.format {
            out.push(changed(path, "format", format(old), format(new)));
        }
        if old.secret != new.secret {
            out.push(changed(path, "secret", old.secret, new.secret));
        }
        if old.request_values != new.request_values {
            out.push(changed(
                path,
                "request_values",
                list(old.request_values.as_deref()),
                list(new.request_values.as_deref()),
            ));
        }
        if old.may_omit != new.may_omit {
            out.push(changed(
                path,
                "may_omit",
                list(Some(&old.may_omit)),
                list(Some(&new.may_omit)),
            ));
        }
        out.extend(nested);
    }

    /// Where a changed type expression keeps its shape around two different named types (a
    /// renamed object), what differs between them, under `path[]`, `path{}`.
    fn nested(
        &self,
        out: &mut Vec<Change>,
        path: &str,
        old: &str,
        new: &str,
        seen: &mut HashSet<(String, String)>,
    ) {
        let (Ok(a), Ok(b)) = (TypeExpr::parse(old), TypeExpr::parse(new)) else {
            return;
        };
        let mut path = path.to_string();
        let (mut a, mut b) = (&a, &b);
        loop {
            match (a, b) {
                (TypeExpr::Array(x), TypeExpr::Array(y)) => {
                    path.push_str("[]");
                    (a, b) = (x, y);
                }
                (TypeExpr::Map(x), TypeExpr::Map(y)) => {
                    path.push_str("{}");
                    (a, b) = (x, y);
                }
                (TypeExpr::Named(x), TypeExpr::Named(y)) => {
                    if let (Some(x), Some(y)) = (self.old.named_type(x), self.new.named_type(y)) {
                        self.named(out, &path, x, y, seen);
                    }
                    return;
                }
                _ => return,
            }
        }
    }
}

fn constraints(out: &mut Vec<Change>, path: &str, old: &[Constraint], new: &[Constraint]) {
    let (added, removed) = added_removed(
        old.iter().map(rule).collect(),
        new.iter().map(rule).collect(),
    );
    out.extend(added.into_iter().map(|rule| Change::ConstraintAdded {
        path: path.to_string(),
        rule,
    }));
    out.extend(removed.into_iter().map(|rule| Change::ConstraintRemoved {
        path: path.to_string(),
        rule,
    }));
}

fn changed(
    path: impl Into<String>,
    what: &'static str,
    old: impl ToString,
    new: impl ToString,
) -> Change {
    Change::Changed {
        path: path.into(),
        what,
        old: old.to_string(),
        new: new.to_string(),
    }
}

fn rule(constraint: &Constraint) -> String {
    let kind = match constraint.kind {
        crate::spec::ConstraintKind::AtLeastOneOf => "at_least_one_of",
        crate::spec::ConstraintKind::AtMostOneOf => "at_most_one_of",
        crate::spec::ConstraintKind::AvailableFilters => "available_filters",
        crate::spec::ConstraintKind::RequiredIfNonEmpty => "required_if_non_empty",
    };
    let mut text = format!("{kind}({})", constraint.fields.join(", "));
    if let Some(selector) = &constraint.selector {
        write!(text, " by {selector}").unwrap();
    }
    text
}

fn kind(ty: &TypeDef) -> &'static str {
    match ty {
        TypeDef::Object { .. } => "object",
        TypeDef::Enum { .. } => "enum",
        TypeDef::Union { .. } => "union",
    }
}

fn kind_summary(ty: &TypeDef) -> String {
    match ty {
        TypeDef::Object { .. } => "object".to_string(),
        TypeDef::Enum { values, .. } => {
            let values: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
            format!("enum: {}", values.join(", "))
        }
        TypeDef::Union { tag, variants, .. } => {
            let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
            format!("union by {tag}: {}", values.join(", "))
        }
    }
}

fn response_shape(action: &str, response: &Response) -> String {
    match response {
        Response::Empty { .. } => "empty".to_string(),
        Response::Type { ty } => ty.clone(),
        Response::Fields { .. } => names::response_type(action),
    }
}

fn required(field: &Field) -> String {
    match (&field.required_when, field.required) {
        (Some(when), _) => format!("required when {when:?}"),
        (None, true) => "required".to_string(),
        (None, false) => "optional".to_string(),
    }
}

/// `yes`, `no` or the situation, for a change line (`required no → yes`).
fn required_flag(field: &Field) -> String {
    match (&field.required_when, field.required) {
        (Some(when), _) => format!("when {when:?}"),
        (None, true) => "yes".to_string(),
        (None, false) => "no".to_string(),
    }
}

fn json(value: &Option<serde_json::Value>) -> String {
    value
        .as_ref()
        .map_or_else(|| "none".to_string(), |v| v.to_string())
}

fn limits(limits: &Option<Limits>) -> String {
    let parts: Vec<String> = limits
        .iter()
        .flat_map(Limits::entries)
        .map(|(name, value)| format!("{name} {value}"))
        .collect();
    if parts.is_empty() {
        "none".to_string()
    } else {
        format!("{{{}}}", parts.join(", "))
    }
}

fn format(field: &Field) -> &'static str {
    field.format.map_or("none", crate::spec::Format::name)
}

fn list(values: Option<&[String]>) -> String {
    match values {
        None => "none".to_string(),
        Some(values) => format!("[{}]", values.join(", ")),
    }
}

fn field_summary(field: &Field) -> String {
    let mut text = format!("{}, {}", field.ty, required(field));
    if field.default.is_some() {
        write!(text, ", default {}", json(&field.default)).unwrap();
    }
    if field.limits.is_some() {
        write!(text, ", limits {}", limits(&field.limits)).unwrap();
    }
    if field.format.is_some() {
        write!(text, ", format {}", format(field)).unwrap();
    }
    if field.secret {
        text.push_str(", secret");
    }
    if let Some(values) = &field.request_values {
        write!(text, ", request_values {}", list(Some(values))).unwrap();
    }
    if !field.may_omit.is_empty() {
        write!(text, ", may_omit {}", list(Some(&field.may_omit))).unwrap();
    }
    text
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::FieldAdded { path, summary } => write!(f, "+ {path}: {summary}"),
            Change::FieldRemoved { path } => write!(f, "- {path}"),
            Change::Changed {
                path,
                what,
                old,
                new,
            } if path == what => write!(f, "~ {what}: {old} → {new}"),
            Change::Changed {
                path,
                what,
                old,
                new,
            } => write!(f, "~ {path}: {what} {old} → {new}"),
            Change::ValueAdded { path, value } => write!(f, "{path}: + {value}"),
            Change::ValueRemoved { path, value } => write!(f, "{path}: - {value}"),
            Change::ScopeAdded(scope) => write!(f, "scopes: + {scope}"),
            Change::ScopeRemoved(scope) => write!(f, "scopes: - {scope}"),
            Change::BatchGained(endpoint) => write!(f, "batch: gained ({endpoint})"),
            Change::BatchLost(endpoint) => write!(f, "batch: lost ({endpoint})"),
            Change::ConstraintAdded { path, rule } => write!(f, "{path} constraints: + {rule}"),
            Change::ConstraintRemoved { path, rule } => write!(f, "{path} constraints: - {rule}"),
        }
    }
}

fn write_items(f: &mut fmt::Formatter<'_>, items: &[ItemDiff]) -> fmt::Result {
    for item in items {
        writeln!(f, "~ {}", item.name)?;
        for change in &item.changes {
            writeln!(f, "    {change}")?;
        }
    }
    Ok(())
}

impl fmt::Display for SpecDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "no changes");
        }
        let mut groups = 0;
        let mut heading = |f: &mut fmt::Formatter<'_>, name: &str| {
            groups += 1;
            if groups > 1 {
                writeln!(f)?;
            }
            writeln!(f, "## {name}")
        };
        for section in &self.sections {
            heading(f, &section.name)?;
            for name in &section.added {
                writeln!(f, "+ {name}")?;
            }
            for name in &section.removed {
                writeln!(f, "- {name}")?;
            }
            write_items(f, &section.changed)?;
        }
        if self.types != TypesDiff::default() {
            heading(f, "Types")?;
            for (name, kind) in &self.types.added {
                writeln!(f, "+ {name} ({kind})")?;
            }
            for name in &self.types.removed {
                writeln!(f, "- {name}")?;
            }
            write_items(f, &self.types.changed)?;
        }
        if !self.errors_added.is_empty() || !self.errors_removed.is_empty() {
            heading(f, "Errors")?;
            for name in &self.errors_added {
                writeln!(f, "+ {name}")?;
            }
            for name in &self.errors_removed {
                writeln!(f, "- {name}")?;
            }
        }
        if !self.webhooks.is_empty() {
            heading(f, &self.webhooks.name)?;
            for name in &self.webhooks.added {
                writeln!(f, "+ {name}")?;
            }
            for name in &self.webhooks.removed {
                writeln!(f, "- {name}")?;
            }
            write_items(f, &self.webhooks.changed)?;
        }
        Ok(())
    }
}
