//! The spec lowered once into what the emitters need: type expressions resolved, the required /
//! optional split made, Rust names chosen, facts that need a walk over the types (secrets, lenient
//! lists) computed. Lowering cannot fail: a type expression that does not parse (only possible in
//! a spec that skipped validation) becomes `json`, so the emitters never meet an error.

use crate::names;
use crate::spec::{self, ConstraintKind, EnumValue, ErrorType, Format, Limits};
use crate::type_expr::TypeExpr;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A whole API version, ready to emit.
#[derive(Debug, Clone)]
pub struct Model {
    pub version: String,
    /// `v3_6`: the module the version's code lives in.
    pub module: String,
    pub base_url: String,
    /// The path before an action's name: `/v3.6/configuration/action/`.
    pub action_path: String,
    pub source: String,
    /// The reference's introduction (authentication, data centers, propagation delay).
    pub description: String,
    /// The crate's stable version: its methods are on the runtime's `crate::Client` and the crate
    /// root re-exports it. Any other version gets a `Client` newtype of its own.
    pub stable: bool,
    pub sections: Vec<spec::Section>,
    pub errors: Vec<ErrorType>,
    pub types: Vec<Type>,
    pub actions: Vec<Action>,
    pub webhooks: Option<Webhooks>,
    /// The named types that only webhooks behind the `chat-webhooks` feature hold: behind it
    /// too.
    pub gated_types: BTreeSet<String>,
}

/// The webhooks a version types, and the envelope they arrive in.
#[derive(Debug, Clone)]
pub struct Webhooks {
    pub description: String,
    /// The envelope's object type (`WebhookEnvelope`).
    pub envelope: String,
    /// The enum type of the envelope's `action` field (`WebhookAction`).
    pub action_enum: String,
    pub events: Vec<WebhookEvent>,
}

/// The reference's section whose webhooks every build types: those the Configuration API's own
/// changes cause. The others (chats, events, users, …) carry the chat structures, which cost a
/// default build a third more; they are behind this feature.
pub const ALWAYS_TYPED_SECTION: &str = "Configuration";
pub const CHAT_WEBHOOKS_FEATURE: &str = "chat-webhooks";

#[derive(Debug, Clone)]
pub struct WebhookEvent {
    /// The action on the wire (`agent_created`).
    pub action: String,
    /// Typed only with the `chat-webhooks` feature (see [`ALWAYS_TYPED_SECTION`]).
    pub gated: bool,
    pub description: String,
    /// The Rust type of the payload.
    pub payload: TypeExpr,
    /// The payload's own object type (`<Action>Payload`), when the spec defines it in place or
    /// as a partial copy of another type.
    pub object: Option<Object>,
}

#[derive(Debug, Clone)]
pub enum Type {
    Object(Object),
    Enum {
        name: String,
        doc: String,
        values: Vec<EnumValue>,
    },
    Union(Union),
}

impl Type {
    pub fn name(&self) -> &str {
        match self {
            Type::Object(object) => &object.name,
            Type::Enum { name, .. } => name,
            Type::Union(union) => &union.name,
        }
    }
}

/// An object whose string field `tag` says which object type it is.
#[derive(Debug, Clone)]
pub struct Union {
    pub name: String,
    pub doc: String,
    /// The JSON key of the tag (`type`).
    pub tag: String,
    pub variants: Vec<spec::UnionVariant>,
}

#[derive(Debug, Clone)]
pub struct Object {
    pub name: String,
    pub doc: String,
    pub fields: Vec<Field>,
    pub constraints: Vec<Constraint>,
}

impl Object {
    pub fn required(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.required)
    }

    pub fn optional(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| !f.required)
    }

    pub fn field(&self, wire: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == wire)
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The JSON key.
    pub name: String,
    pub ty: TypeExpr,
    /// Required in Rust: required by the reference and not only in some situations.
    pub required: bool,
    pub required_when: Option<String>,
    pub description: String,
    pub default: Option<Value>,
    pub limits: Option<Limits>,
    pub secret: bool,
    pub format: Option<Format>,
    pub request_values: Option<Vec<String>>,
    pub may_omit: Vec<String>,
    /// A required list or map: requests must carry it, an answer that leaves it out reads as empty.
    pub lenient: bool,
    /// The field's named type holds a lenient list or map somewhere inside.
    pub holds_lenient: bool,
    /// The field is a secret, or its named type holds one somewhere inside.
    pub holds_secret: bool,
    /// What the neighbouring version calls it, where the name differs.
    pub neighbour_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Constraint {
    pub kind: ConstraintKind,
    pub fields: Vec<String>,
    pub selector: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Action {
    pub name: String,
    pub title: String,
    pub section: String,
    pub description: String,
    pub scopes: Vec<String>,
    pub scope_notes: BTreeMap<String, String>,
    pub batch_endpoint: Option<String>,
    pub read_only: bool,
    pub no_authorization: bool,
    /// The request type, named `{Action}Request`.
    pub request: Object,
    pub response: Response,
    pub carries_secrets: bool,
    /// The JSON keys a credential goes by in its request or answer, wherever they nest; sorted.
    pub secret_keys: Vec<String>,
    pub paging: Option<Paging>,
    pub example_request: Option<Value>,
}

#[derive(Debug, Clone)]
pub enum Response {
    Empty,
    Type(TypeExpr),
    /// An answer type of its own, named `{Action}Response`.
    Fields(Object),
}

/// How an action pages, resolved against its request and answer (see `spec/README.md`).
#[derive(Debug, Clone)]
pub struct Paging {
    pub page_id: String,
    pub limit: String,
    pub items: String,
    /// The Rust type of one item of the answer's list.
    pub item: TypeExpr,
    pub next_page_id: String,
    pub excluded_by_page_id: Vec<String>,
}

/// `3.6` → `v3_6`.
pub fn module_name(version: &str) -> String {
    let mut module = String::from("v");
    module.extend(
        version
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
    );
    module
}

pub fn lower(spec: &spec::Spec, stable: bool) -> Model {
    let types: BTreeMap<&str, &spec::TypeDef> = spec.types.iter().map(|t| (t.name(), t)).collect();
    let cx = Lowering { types: &types };
    let lowered_types = spec
        .types
        .iter()
        .map(|def| match def {
            spec::TypeDef::Object {
                name,
                description,
                fields,
                constraints,
            } => Type::Object(cx.object(name, description, fields, constraints)),
            spec::TypeDef::Enum {
                name,
                description,
                values,
            } => Type::Enum {
                name: name.clone(),
                doc: description.clone(),
                values: values.clone(),
            },
            spec::TypeDef::Union {
                name,
                description,
                tag,
                variants,
            } => Type::Union(Union {
                name: name.clone(),
                doc: description.clone(),
                tag: tag.clone(),
                variants: variants.clone(),
            }),
        })
        .collect();
    let actions = spec
        .actions
        .iter()
        .map(|action| {
            let request_doc = format!(
                "The request of `{name}` ({}): see [`Client::{name}`](Client::{name}).",
                action.title,
                name = action.name
            );
            let request = cx.object(
                &names::request_type(&action.name),
                &request_doc,
                &action.params,
                &action.constraints,
            );
            let response = match &action.response {
                spec::Response::Empty { .. } => Response::Empty,
                spec::Response::Type { ty } => Response::Type(resolve(ty)),
                spec::Response::Fields { fields } => {
                    let doc = format!(
                        "The response of `{name}` ({}): see [`Client::{name}`](Client::{name}).",
                        action.title,
                        name = action.name
                    );
                    Response::Fields(cx.object(
                        &names::response_type(&action.name),
                        &doc,
                        fields,
                        &[],
                    ))
                }
            };
            let mut secret_keys = BTreeSet::new();
            let response_fields = match &response {
                Response::Fields(object) => object.fields.as_slice(),
                _ => &[],
            };
            for field in request.fields.iter().chain(response_fields) {
                if field.secret {
                    secret_keys.insert(field.name.clone());
                }
                if let Some(named) = field.ty.named() {
                    cx.secret_keys_of(named, &mut Vec::new(), &mut secret_keys);
                }
            }
            if let Response::Type(ty) = &response {
                if let Some(named) = ty.named() {
                    cx.secret_keys_of(named, &mut Vec::new(), &mut secret_keys);
                }
            }
            let carries_secrets = !secret_keys.is_empty();
            let paging = action.paging.as_ref().and_then(|p| cx.paging(p, &response));
            Action {
                name: action.name.clone(),
                title: action.title.clone(),
                section: action.section.clone(),
                description: action.description.clone(),
                scopes: action.scopes.clone(),
                scope_notes: action.scope_notes.clone(),
                batch_endpoint: action.batch_endpoint.clone(),
                read_only: action.read_only,
                no_authorization: action.no_authorization,
                request,
                response,
                carries_secrets,
                secret_keys: secret_keys.into_iter().collect(),
                paging,
                example_request: action.examples.request.clone(),
            }
        })
        .collect();
    Model {
        version: spec.version.clone(),
        module: module_name(&spec.version),
        base_url: spec.base_url.clone(),
        action_path: spec.path.replace("{action}", ""),
        source: format!("spec/configuration-v{}.json", spec.version),
        description: spec.description.clone(),
        stable,
        sections: spec.sections.clone(),
        errors: spec.errors.clone(),
        types: lowered_types,
        actions,
        gated_types: BTreeSet::new(),
        webhooks: spec.webhooks.as_ref().map(|w| cx.webhooks(w)),
    }
    .with_gated_types()
}

impl Model {
    fn with_gated_types(mut self) -> Self {
        let Some(hooks) = &self.webhooks else {
            return self;
        };
        let mut open = vec![hooks.envelope.clone()];
        for action in &self.actions {
            open.extend(
                action
                    .request
                    .fields
                    .iter()
                    .filter_map(|f| f.ty.named())
                    .map(String::from),
            );
            match &action.response {
                Response::Fields(object) => open.extend(
                    object
                        .fields
                        .iter()
                        .filter_map(|f| f.ty.named())
                        .map(String::from),
                ),
                Response::Type(ty) => open.extend(ty.named().map(String::from)),
                Response::Empty => {}
            }
        }
        let mut gated = Vec::new();
        for event in &hooks.events {
            let roots = if event.gated { &mut gated } else { &mut open };
            roots.extend(event.payload.named().map(String::from));
            if let Some(object) = &event.object {
                roots.extend(
                    object
                        .fields
                        .iter()
                        .filter_map(|f| f.ty.named())
                        .map(String::from),
                );
            }
        }
        let open = reach(&self.types, open);
        self.gated_types = reach(&self.types, gated)
            .into_iter()
            .filter(|name| !open.contains(name))
            .collect();
        self
    }
}

/// Every named type `roots` name, directly or through the types they hold.
fn reach(types: &[Type], mut todo: Vec<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if !found.insert(name.clone()) {
            continue;
        }
        match types.iter().find(|t| t.name() == name) {
            Some(Type::Object(object)) => todo.extend(
                object
                    .fields
                    .iter()
                    .filter_map(|f| f.ty.named())
                    .map(String::from),
            ),
            Some(Type::Union(union)) => todo.extend(union.variants.iter().map(|v| v.ty.clone())),
            _ => {}
        }
    }
    found
}

/// A type expression; validation has made sure it parses, and `json` stands in if it does not.
pub fn resolve(text: &str) -> TypeExpr {
    TypeExpr::parse(text).unwrap_or(TypeExpr::Json)
}

struct Lowering<'a> {
    types: &'a BTreeMap<&'a str, &'a spec::TypeDef>,
}

impl Lowering<'_> {
    fn object(
        &self,
        name: &str,
        doc: &str,
        fields: &[spec::Field],
        constraints: &[spec::Constraint],
    ) -> Object {
        Object {
            name: name.to_string(),
            doc: doc.to_string(),
            fields: fields.iter().map(|f| self.field(f)).collect(),
            constraints: constraints
                .iter()
                .map(|c| Constraint {
                    kind: c.kind,
                    fields: c.fields.clone(),
                    selector: c.selector.clone(),
                })
                .collect(),
        }
    }

    fn field(&self, f: &spec::Field) -> Field {
        let ty = resolve(&f.ty);
        let required = f.always_required();
        let named = ty.named();
        Field {
            name: f.name.clone(),
            lenient: required && matches!(ty, TypeExpr::Array(_) | TypeExpr::Map(_)),
            holds_lenient: named.is_some_and(|n| self.holds_lenient(n, &mut Vec::new())),
            holds_secret: f.secret || named.is_some_and(|n| self.named_holds_secret(n)),
            ty,
            required,
            required_when: f.required_when.clone(),
            description: f.description.clone(),
            default: f.default.clone(),
            limits: f.limits.clone(),
            secret: f.secret,
            format: f.format,
            request_values: f.request_values.clone(),
            may_omit: f.may_omit.clone(),
            neighbour_name: f.neighbour_name.clone(),
        }
    }

    fn webhooks(&self, spec: &spec::Webhooks) -> Webhooks {
        let action_enum = self
            .fields_of(&spec.envelope)
            .into_iter()
            .flatten()
            .find(|f| f.name == "action")
            .map_or_else(|| "WebhookAction".to_string(), |f| f.ty.clone());
        let events = spec
            .events
            .iter()
            .map(|event| {
                let name = names::payload_type(&event.action);
                let doc = format!(
                    "The payload of the `{action}` webhook: see [`{enum_name}::{variant}`].",
                    action = event.action,
                    enum_name = names::WEBHOOK_EVENT,
                    variant = names::variant(&event.action),
                );
                let object = match &event.payload {
                    spec::Payload::Type { .. } => None,
                    spec::Payload::Fields { fields } => Some(self.object(&name, &doc, fields, &[])),
                    spec::Payload::Partial { partial, required } => {
                        let fields = self.fields_of(partial).unwrap_or_default();
                        let mut object = self.object(&name, &doc, fields, &[]);
                        for field in &mut object.fields {
                            field.required = required.contains(&field.name);
                            field.lenient = field.required
                                && matches!(field.ty, TypeExpr::Array(_) | TypeExpr::Map(_));
                        }
                        Some(object)
                    }
                };
                let payload = match (&event.payload, &object) {
                    (spec::Payload::Type { ty }, _) => resolve(ty),
                    (_, _) => TypeExpr::Named(name),
                };
                WebhookEvent {
                    action: event.action.clone(),
                    gated: event.section != ALWAYS_TYPED_SECTION,
                    description: event.description.clone(),
                    payload,
                    object,
                }
            })
            .collect();
        Webhooks {
            description: spec.description.clone(),
            envelope: spec.envelope.clone(),
            action_enum,
            events,
        }
    }

    fn fields_of(&self, name: &str) -> Option<&[spec::Field]> {
        match self.types.get(name) {
            Some(spec::TypeDef::Object { fields, .. }) => Some(fields),
            _ => None,
        }
    }

    fn holds_lenient(&self, name: &str, seen: &mut Vec<String>) -> bool {
        if seen.iter().any(|s| s == name) {
            return false;
        }
        seen.push(name.to_string());
        self.fields_of(name).into_iter().flatten().any(|f| {
            let ty = resolve(&f.ty);
            (f.always_required() && matches!(ty, TypeExpr::Array(_) | TypeExpr::Map(_)))
                || ty.named().is_some_and(|n| self.holds_lenient(n, seen))
        })
    }

    /// The keys of the secret fields of the named type `name` and of the types it nests.
    fn secret_keys_of(&self, name: &str, seen: &mut Vec<String>, keys: &mut BTreeSet<String>) {
        if seen.iter().any(|s| s == name) {
            return;
        }
        seen.push(name.to_string());
        for field in self.fields_of(name).into_iter().flatten() {
            if field.secret {
                keys.insert(field.name.clone());
            }
            if let Some(named) = resolve(&field.ty).named() {
                self.secret_keys_of(named, seen, keys);
            }
        }
        seen.pop();
    }

    fn named_holds_secret(&self, name: &str) -> bool {
        self.holds_secret(name, &mut Vec::new())
    }

    fn holds_secret(&self, name: &str, seen: &mut Vec<String>) -> bool {
        if seen.iter().any(|s| s == name) {
            return false;
        }
        seen.push(name.to_string());
        self.fields_of(name).into_iter().flatten().any(|f| {
            f.secret
                || resolve(&f.ty)
                    .named()
                    .is_some_and(|n| self.holds_secret(n, seen))
        })
    }

    /// Validation has checked the names; an action whose paging does not resolve simply does not
    /// page.
    fn paging(&self, p: &spec::Paging, response: &Response) -> Option<Paging> {
        let items = match response {
            Response::Fields(object) => object.field(&p.items)?,
            _ => return None,
        };
        let item = match &items.ty {
            TypeExpr::Array(inner) => (**inner).clone(),
            _ => return None,
        };
        Some(Paging {
            page_id: p.page_id.clone(),
            limit: p.limit.clone(),
            items: p.items.clone(),
            item,
            next_page_id: p.next_page_id.clone(),
            excluded_by_page_id: p.excluded_by_page_id.clone(),
        })
    }
}
