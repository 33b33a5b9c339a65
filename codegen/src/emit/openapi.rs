//! The model → an OpenAPI 3.1 document, so tools nobody here wrote (validators, fuzzers, client
//! generators, API browsers) read the same contract the sdk is generated from.
//!
//! Named types get two schemas: `Agent` for answers, which accepts unknown properties and lets a
//! required list be left out (the decoders read it as empty), and `AgentInput` for requests, which
//! carries what a request must hold (required lists, the values a request may use). Rules between
//! fields become `anyOf`/`not`/`if`-`then`; keys are sorted on output so reruns are byte-identical.

use crate::model::{Action, Field, Model, Object, Response, Type, Union};
use crate::spec::{ConstraintKind, EnumValue, Format, Limits};
use crate::type_expr::TypeExpr;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Where the emulator listens unless told otherwise (`--listen`).
const EMULATOR_ADDRESS: &str = "127.0.0.1:8080";

/// The HTTP statuses an error body comes with, and which error types each carries. The reference
/// names the error types but not their statuses; these are the statuses the emulator answers
/// with (`limit_reached` is 403 so clients that retry 429 do not retry it), plus 422 which some
/// API gateways use for `validation`.
const ERROR_STATUSES: [(&str, &str); 10] = [
    ("400", "`validation`, `ownership_transfer`, `unsupported_version` or another refusal of the request as sent."),
    ("401", "`authentication`: the credentials are missing, malformed, invalid or expired."),
    ("402", "`license_expired`: the license's trial or subscription has ended."),
    ("403", "`authorization` (the token lacks a scope or may not act on the resource) or `limit_reached`."),
    ("404", "`not_found` or `group_not_found`: no such action, or the resource named does not exist."),
    ("409", "`already_exists`: the resource to create exists already."),
    ("421", "`misdirected_request`: the token belongs to another data center; `data.region` names it, to send in `X-Region`."),
    ("422", "`validation`: the request is well-formed JSON but breaks a documented rule."),
    ("429", "`too_many_requests`: the request was refused before it ran; send it again later."),
    ("5XX", "`internal`: the server failed; a read may be sent again."),
];

/// Verbs of actions that make a resource: their answers feed the stateful links.
const CREATING: [&str; 3] = ["create", "add", "register"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Answer,
}

/// The whole document as sorted, pretty-printed JSON with a final newline.
pub fn document(model: &Model) -> String {
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("LiveChat Configuration API v{}", model.version),
            "version": model.version,
            "description": info_description(model),
        },
        "servers": [
            {
                "url": model.base_url,
                "description": "Production. The data center is chosen by the `X-Region` header (`dal`, the default, or `fra`), as a token's prefix names it; a `misdirected_request` (421) names the right one in `data.region`.",
            },
            {
                "url": "http://{address}",
                "description": "The livechat-config emulator (`livechat-config-emulator --listen ADDRESS`); it also serves this document at `/emulator/openapi/v<X.Y>.json`.",
                "variables": {"address": {"default": EMULATOR_ADDRESS}},
            },
        ],
        "tags": model.sections.iter().map(|s| json!({
            "name": s.name,
            "description": format!("{}\n\n{}", s.title, s.description),
        })).collect::<Vec<_>>(),
        "paths": paths(model),
        "components": components(model),
    });
    if let Some(webhooks) = webhooks(model) {
        doc["webhooks"] = webhooks;
    }
    sort_keys(&mut doc);
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn info_description(model: &Model) -> String {
    format!(
        "{}\n\nGenerated from `{}` by `cargo xtask gen`; do not edit.\n\nEvery action is a `POST` of a JSON object to `{}<action>`; batch endpoints take `{{\"requests\": [...]}}` and answer `{{\"responses\": [...]}}`, one answer or `{{\"error\": ...}}` per request, in order.\n\nScopes: an action lists the scopes that allow it; its `security` names each as one alternative, for a bearer access token or a personal access token (Basic).",
        model.description.trim(),
        model.source,
        model.action_path
    )
}

fn paths(model: &Model) -> Value {
    let mut paths = Map::new();
    for action in &model.actions {
        let path = format!("{}{}", model.action_path, action.name);
        paths.insert(path, json!({"post": operation(model, action)}));
        if let Some(endpoint) = &action.batch_endpoint {
            let path = format!("{}{}", model.action_path, endpoint);
            paths.insert(path, json!({"post": batch_operation(action, endpoint)}));
        }
    }
    Value::Object(paths)
}

/// One entry per webhook the spec describes: the delivery LiveChat POSTs to a registered `url`,
/// the envelope with this `action` and its payload's schema.
fn webhooks(model: &Model) -> Option<Value> {
    let hooks = model.webhooks.as_ref()?;
    let mut entries = Map::new();
    for event in &hooks.events {
        let body = json!({
            "allOf": [{"$ref": schema_ref(&hooks.envelope)}],
            "properties": {
                "action": {"const": event.action},
                "payload": type_schema(&event.payload, Direction::Answer),
            },
        });
        entries.insert(
            event.action.clone(),
            json!({"post": {
                "operationId": format!("webhook_{}", event.action),
                "summary": event.action,
                "description": event.description,
                "requestBody": {
                    "required": true,
                    "content": {"application/json": {"schema": body}},
                },
                "responses": {
                    "2XX": {"description": "The receiver took the delivery; any other answer counts as a failed delivery."},
                },
            }}),
        );
    }
    Some(Value::Object(entries))
}

fn operation(model: &Model, action: &Action) -> Value {
    let mut ok = json!({
        "description": response_description(action),
        "content": {"application/json": {"schema": answer_schema(action)}},
    });
    let links = links(model, action);
    if !links.is_empty() {
        ok["links"] = Value::Object(links);
    }
    let mut op = json!({
        "operationId": action.name,
        "summary": action.title,
        "description": operation_description(action),
        "tags": [action.section],
        "requestBody": {
            // An empty body reads as `{}`, a whole request when nothing is required.
            "required": !empty_is_whole(&action.request),
            "content": {"application/json": {"schema": {"$ref": schema_ref(&action.request.name)}}},
        },
        "responses": responses(ok),
        "security": security(action),
    });
    if let Some(example) = &action.example_request {
        op["requestBody"]["content"]["application/json"]["example"] = example.clone();
    }
    if action.read_only {
        op["x-read-only"] = json!(true);
    }
    op
}

/// Whether `{}` is a valid request: no field required, no "at least one of" rule.
fn empty_is_whole(request: &Object) -> bool {
    request.required().next().is_none()
        && !request
            .constraints
            .iter()
            .any(|c| c.kind == ConstraintKind::AtLeastOneOf)
}

fn batch_operation(action: &Action, endpoint: &str) -> Value {
    let item = json!({"anyOf": [answer_schema(action), {"$ref": schema_ref("ErrorBody")}]});
    json!({
            "operationId": endpoint,
            "summary": format!("{} (batch)", action.title),
            "description": format!(
                "`{}` for many requests at once: each item of `requests` is a request of `{}`, run on its own; `responses` holds, in the same order, each item's answer or its `{{\"error\": ...}}`. The same scopes as `{}`.",
                endpoint, action.name, action.name
            ),
            "tags": [action.section],
            "requestBody": {
                "required": true,
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["requests"],
                    "properties": {"requests": {
                        "type": "array",
                        // Any item: one that is no request is answered with its own error in
                        // `responses`, it does not make the batch fail. The `$ref` names the item
                        // that succeeds, for readers and client generators.
                        "items": {"anyOf": [
                            {"$ref": schema_ref(&action.request.name)},
                            {"description": format!(
                                "Anything else is answered with its own `{{\"error\": ...}}` in place of a `{}` answer.",
                                action.name
                            )},
                        ]},
    }},
                }}},
            },
            "responses": responses(json!({
                "description": "One answer or error per request, in order.",
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["responses"],
                    "properties": {"responses": {"type": "array", "items": item}},
                }}},
            })),
            "security": security(action),
        })
}

fn responses(ok: Value) -> Value {
    let mut responses = Map::new();
    responses.insert("200".to_string(), ok);
    for (status, _) in ERROR_STATUSES {
        responses.insert(
            status.to_string(),
            json!({"$ref": format!("#/components/responses/Error{status}")}),
        );
    }
    Value::Object(responses)
}

fn operation_description(action: &Action) -> String {
    let mut text = action.description.trim().to_string();
    if action.scopes.is_empty() {
        text.push_str("\n\nScopes: none.");
    } else {
        let listed: Vec<String> = action.scopes.iter().map(|s| format!("`{s}`")).collect();
        text.push_str(&format!("\n\nScopes (any one): {}.", listed.join(", ")));
        for (scope, note) in &action.scope_notes {
            text.push_str(&format!("\n- `{scope}`: {note}"));
        }
    }
    if let Some(endpoint) = &action.batch_endpoint {
        text.push_str(&format!("\n\nBatch endpoint: `{endpoint}`."));
    }
    text
}

fn response_description(action: &Action) -> String {
    match action.response {
        Response::Empty => "Done; the answer has no payload: `{}`.".to_string(),
        _ => format!("The answer of {}.", action.title),
    }
}

/// Each listed scope is one alternative, for either kind of credentials (OpenAPI 3.1 lets a
/// non-OAuth scheme name the roles it needs). No scope listed: any valid credentials.
fn security(action: &Action) -> Value {
    if action.no_authorization {
        return json!([{}]);
    }
    if action.scopes.is_empty() {
        return json!([{"bearer": []}, {"basic": []}]);
    }
    let mut alternatives = Vec::new();
    for scheme in ["bearer", "basic"] {
        for scope in &action.scopes {
            alternatives.push(json!({ scheme: [scope] }));
        }
    }
    Value::Array(alternatives)
}

fn answer_schema(action: &Action) -> Value {
    match &action.response {
        Response::Empty => json!({"type": "object", "description": "No payload."}),
        Response::Type(ty) => type_schema(ty, Direction::Answer),
        Response::Fields(object) => json!({"$ref": schema_ref(&object.name)}),
    }
}

/// Links from an action that makes a resource to the actions of its section named for the same
/// resource (`create_agent` → `get_agent`, `update_agent`, `delete_agent`, …): each required
/// parameter of the target is taken from the answer when it has a field of that name (the new
/// `id`), else from the creating request (a tag's `name`, an `owner_client_id`).
fn links(model: &Model, action: &Action) -> Map<String, Value> {
    let mut links = Map::new();
    let Some((verb, noun)) = action.name.split_once('_') else {
        return links;
    };
    if !CREATING.contains(&verb) {
        return links;
    }
    let answered: BTreeSet<&str> = match &action.response {
        Response::Fields(object) => object.fields.iter().map(|f| f.name.as_str()).collect(),
        _ => BTreeSet::new(),
    };
    for target in &model.actions {
        let same_resource = target
            .name
            .split_once('_')
            .is_some_and(|(v, n)| n == noun && !CREATING.contains(&v));
        if !same_resource || target.section != action.section {
            continue;
        }
        let mut body = Map::new();
        for param in target.request.required() {
            let source = if answered.contains(param.name.as_str()) {
                format!("$response.body#/{}", param.name)
            } else if action.request.field(&param.name).is_some() {
                format!("$request.body#/{}", param.name)
            } else {
                continue;
            };
            body.insert(param.name.clone(), Value::String(source));
        }
        if body.is_empty() {
            continue;
        }
        links.insert(
            target.name.clone(),
            json!({
                "operationId": target.name,
                "requestBody": body,
                "description": format!("`{}` on what `{}` made.", target.name, action.name),
            }),
        );
    }
    links
}

fn components(model: &Model) -> Value {
    let cx = Cx::new(model);
    let mut schemas = Map::new();
    let inputs = request_types(model);
    for def in &model.types {
        match def {
            Type::Object(object) => {
                schemas.insert(
                    object.name.clone(),
                    object_schema(&cx, object, Direction::Answer),
                );
                if inputs.contains(object.name.as_str()) {
                    schemas.insert(
                        input_name(&object.name),
                        object_schema(&cx, object, Direction::Request),
                    );
                }
            }
            Type::Enum { name, doc, values } => {
                schemas.insert(name.clone(), enum_schema(doc, values));
            }
            Type::Union(union) => {
                schemas.insert(union.name.clone(), union_schema(union));
            }
        }
    }
    for action in &model.actions {
        // The model's docs of these two link into the Rust client; here they say what they are.
        let request = Object {
            doc: format!("The request of `{}` ({}).", action.name, action.title),
            ..action.request.clone()
        };
        schemas.insert(
            request.name.clone(),
            object_schema(&cx, &request, Direction::Request),
        );
        if let Response::Fields(object) = &action.response {
            let answer = Object {
                doc: format!("The answer of `{}` ({}).", action.name, action.title),
                ..object.clone()
            };
            schemas.insert(
                answer.name.clone(),
                object_schema(&cx, &answer, Direction::Answer),
            );
        }
    }
    for object in model
        .webhooks
        .iter()
        .flat_map(|w| &w.events)
        .filter_map(|e| e.object.as_ref())
    {
        schemas.insert(
            object.name.clone(),
            object_schema(&cx, object, Direction::Answer),
        );
    }
    schemas.insert("ErrorBody".to_string(), error_body());
    schemas.insert(
        "ErrorType".to_string(),
        enum_schema(
            "The documented error types.",
            &model
                .errors
                .iter()
                .map(|e| EnumValue {
                    value: e.kind.clone(),
                    description: if e.description.is_empty() {
                        e.default_message.clone()
                    } else {
                        format!("{} ({})", e.default_message, e.description)
                    },
                    available_filters: None,
                })
                .collect::<Vec<_>>(),
        ),
    );
    let mut responses = Map::new();
    for (status, description) in ERROR_STATUSES {
        responses.insert(
            format!("Error{status}"),
            json!({
                "description": description,
                "content": {"application/json": {"schema": {"$ref": schema_ref("ErrorBody")}}},
            }),
        );
    }
    let mut schemas = Value::Object(schemas);
    let inputs = inputs.into_iter().map(str::to_string).collect();
    finish(&mut schemas, &inputs);
    json!({
        "schemas": schemas,
        "responses": responses,
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "region-prefixed OAuth access token (`dal:…`, `fra:…`)",
                "description": "An OAuth access token of an application acting for a user. A `fra:` token needs the `X-Region: fra` header. The scopes are the token's.",
            },
            "basic": {
                "type": "http",
                "scheme": "basic",
                "description": "A personal access token: the account ID as user name and the token as password. The scopes are the token's.",
            },
        },
    })
}

fn error_body() -> Value {
    json!({
        "type": "object",
        "description": "An error: `{\"error\": {\"type\", \"message\", \"data\"}}`, also an item of a batch answer.",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["type", "message"],
            "properties": {
                "type": {"$ref": schema_ref("ErrorType")},
                "message": {"type": "string"},
                "data": {"type": "object", "description": "Optional details, such as the `region` of a `misdirected_request`."},
            },
        }},
    })
}

/// Named object types that some request holds, directly or deep inside.
fn request_types(model: &Model) -> BTreeSet<&str> {
    let objects: Vec<&Object> = model
        .types
        .iter()
        .filter_map(|t| match t {
            Type::Object(o) => Some(o),
            Type::Enum { .. } | Type::Union(_) => None,
        })
        .collect();
    let mut found = BTreeSet::new();
    let mut todo: Vec<&str> = model
        .actions
        .iter()
        .flat_map(|a| a.request.fields.iter().filter_map(|f| f.ty.named()))
        .collect();
    while let Some(name) = todo.pop() {
        if let Some(object) = objects.iter().find(|o| o.name == name) {
            if found.insert(object.name.as_str()) {
                todo.extend(object.fields.iter().filter_map(|f| f.ty.named()));
            }
        }
    }
    found
}

fn input_name(name: &str) -> String {
    format!("{name}Input")
}

fn schema_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

fn enum_schema(doc: &str, values: &[EnumValue]) -> Value {
    let mut description = doc.trim().to_string();
    for value in values.iter().filter(|v| !v.description.is_empty()) {
        description.push_str(&format!(
            "\n- `{}`: {}",
            value.value,
            value.description.trim()
        ));
    }
    let mut schema = json!({
        "type": "string",
        "enum": values.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
    });
    if !description.is_empty() {
        schema["description"] = Value::String(description);
    }
    schema
}

/// An object of the variant its tag names; a tag no variant names is any object with a string
/// tag, as the decoders keep it.
fn union_schema(union: &Union) -> Value {
    let tag = &union.tag;
    let known: Vec<&str> = union.variants.iter().map(|v| v.value.as_str()).collect();
    let mut branches: Vec<Value> = union
        .variants
        .iter()
        .map(|v| {
            json!({
                "$ref": schema_ref(&v.ty),
                "properties": {tag: {"const": v.value}},
            })
        })
        .collect();
    branches.push(json!({"properties": {tag: {"not": {"enum": known}}}}));
    let mut schema = json!({
        "type": "object",
        "required": [tag],
        "properties": {tag: {"type": "string"}},
        "oneOf": branches,
    });
    if !union.doc.is_empty() {
        schema["description"] = Value::String(union.doc.clone());
    }
    schema
}

/// The model's named types, for what one schema needs to know of another.
struct Cx<'a> {
    objects: BTreeMap<&'a str, &'a Object>,
    enums: BTreeMap<&'a str, &'a [EnumValue]>,
}

impl<'a> Cx<'a> {
    fn new(model: &'a Model) -> Self {
        let mut objects = BTreeMap::new();
        let mut enums = BTreeMap::new();
        for def in &model.types {
            match def {
                Type::Object(object) => {
                    objects.insert(object.name.as_str(), object);
                }
                Type::Enum { name, values, .. } => {
                    enums.insert(name.as_str(), values.as_slice());
                }
                Type::Union(_) => {}
            }
        }
        Self { objects, enums }
    }
}

fn object_schema(cx: &Cx, object: &Object, direction: Direction) -> Value {
    object_schema_omitting(cx, object, direction, &[])
}

/// `omit`: required lists of the object that this use may leave out (a field's `may_omit`).
fn object_schema_omitting(
    cx: &Cx,
    object: &Object,
    direction: Direction,
    omit: &[String],
) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in &object.fields {
        let needed = match direction {
            Direction::Request => field.required && !omit.contains(&field.name),
            // A required list or map left out of an answer reads as empty.
            Direction::Answer => field.required && !field.lenient,
        };
        let mut schema = field_schema(cx, field, direction);
        if direction == Direction::Request && !field.required {
            // The decoders read an optional field sent as `null` as one left out.
            schema = nullable(schema);
        }
        properties.insert(field.name.clone(), schema);
        if needed {
            required.push(Value::String(field.name.clone()));
        }
    }
    let mut schema = json!({"type": "object", "properties": properties});
    if !object.doc.is_empty() {
        schema["description"] = Value::String(object.doc.clone());
    }
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
    if direction == Direction::Request {
        let rules = constraints(cx, object);
        if !rules.is_empty() {
            schema["allOf"] = Value::Array(rules);
        }
    }
    schema
}

/// The fields are present and not `null` (the decoders read `null` as absent).
fn set_fields(fields: &[&String]) -> Value {
    let not_null: Map<String, Value> = fields
        .iter()
        .map(|f| (f.to_string(), json!({"not": {"type": "null"}})))
        .collect();
    json!({"required": fields, "properties": not_null})
}

/// The object's rules between fields, as JSON Schema; a field counts as set when it is present
/// and not `null`.
fn constraints(cx: &Cx, object: &Object) -> Vec<Value> {
    let mut rules = Vec::new();
    for constraint in &object.constraints {
        let fields = &constraint.fields;
        match constraint.kind {
            ConstraintKind::AtLeastOneOf => rules.push(json!({
                "anyOf": fields.iter().map(|f| set_fields(&[f])).collect::<Vec<_>>(),
            })),
            ConstraintKind::AtMostOneOf => {
                for (i, a) in fields.iter().enumerate() {
                    for b in &fields[i + 1..] {
                        rules.push(json!({"not": set_fields(&[a, b])}));
                    }
                }
            }
            ConstraintKind::RequiredIfNonEmpty => {
                let Some(selector) = &constraint.selector else {
                    continue;
                };
                let non_empty = match object.field(selector).map(|f| &f.ty) {
                    Some(TypeExpr::Map(_)) => json!({"minProperties": 1}),
                    _ => json!({"minItems": 1}),
                };
                rules.push(json!({
                    "if": {"required": [selector], "properties": {selector: non_empty}},
                    "then": set_fields(&fields.iter().collect::<Vec<_>>()),
                }));
            }
            ConstraintKind::AvailableFilters => {
                rules.extend(available_filters(cx, object, constraint))
            }
        }
    }
    rules
}

fn field_schema(cx: &Cx, field: &Field, direction: Direction) -> Value {
    let omitting = match (direction, &field.ty) {
        (Direction::Request, TypeExpr::Named(name)) if !field.may_omit.is_empty() => {
            cx.objects.get(name.as_str())
        }
        _ => None,
    };
    let mut schema = match (&field.request_values, direction) {
        (Some(values), Direction::Request) => json!({"type": "string", "enum": values}),
        // The named type's request schema, in place, minus the lists this use may leave out.
        _ if omitting.is_some() => omitting
            .map(|object| object_schema_omitting(cx, object, direction, &field.may_omit))
            .unwrap_or_default(),
        _ => type_schema(&field.ty, direction),
    };
    let mut description = field.description.trim().to_string();
    if let Some(when) = &field.required_when {
        description.push_str(&format!(" Required {when}."));
    }
    let description = description.trim().to_string();
    if !description.is_empty() {
        set(&mut schema, "description", Value::String(description));
    }
    if let Some(default) = &field.default {
        set(&mut schema, "default", default.clone());
    }
    if let Some(format) = field.format {
        set(&mut schema, "format", json!(format_name(format)));
        if format == Format::Url {
            set(&mut schema, "pattern", json!("^[Hh][Tt][Tt][Pp][Ss]?://"));
        }
    }
    if let Some(limits) = &field.limits {
        apply_limits(&mut schema, limits);
    }
    if field.secret && field.format.is_none() {
        // OpenAPI's hint to mask the value (a webhook's secret key, a bot's secret or token).
        set(&mut schema, "format", json!("password"));
    }
    schema
}

/// `available_filters`: for each value of the selector enum, the filters it does not list may
/// only be absent (or `null`, which the decoders read as absent).
fn available_filters(
    cx: &Cx,
    object: &Object,
    constraint: &crate::model::Constraint,
) -> Vec<Value> {
    let (Some(filters), Some(selector)) = (constraint.fields.first(), &constraint.selector) else {
        return Vec::new();
    };
    let filter_fields = object
        .field(filters)
        .and_then(|f| f.ty.named())
        .and_then(|name| cx.objects.get(name));
    let values = object
        .field(selector)
        .and_then(|f| f.ty.named())
        .and_then(|name| cx.enums.get(name));
    let (Some(filter_fields), Some(values)) = (filter_fields, values) else {
        return Vec::new();
    };
    let mut rules = Vec::new();
    for value in values.iter() {
        let Some(available) = &value.available_filters else {
            continue;
        };
        let refused: Map<String, Value> = filter_fields
            .fields
            .iter()
            .filter(|f| !available.contains(&f.name))
            .map(|f| (f.name.clone(), json!({"type": "null"})))
            .collect();
        if refused.is_empty() {
            continue;
        }
        rules.push(json!({
            "if": {"required": [selector], "properties": {selector: {"const": value.value}}},
            "then": {"properties": {filters: {"properties": refused}}},
        }));
    }
    rules
}

/// The schema, or `null`.
fn nullable(mut schema: Value) -> Value {
    let Some(map) = schema.as_object_mut() else {
        return schema;
    };
    match map.get("type").cloned() {
        Some(Value::String(ty)) if !map.contains_key("$ref") => {
            map.insert("type".to_string(), json!([ty, "null"]));
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                values.push(Value::Null);
            }
            schema
        }
        _ if map.contains_key("$ref") => {
            let mut outer = Map::new();
            for key in ["description", "default"] {
                if let Some(value) = map.remove(key) {
                    outer.insert(key.to_string(), value);
                }
            }
            outer.insert("anyOf".to_string(), json!([schema, {"type": "null"}]));
            Value::Object(outer)
        }
        // Already any JSON value, `null` included.
        _ => schema,
    }
}

fn set(schema: &mut Value, key: &str, value: Value) {
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(key.to_string(), value);
    }
}

fn apply_limits(schema: &mut Value, limits: &Limits) {
    let pairs = [
        ("minimum", limits.min.map(number)),
        ("maximum", limits.max.map(number)),
        ("minLength", limits.min_length.map(Value::from)),
        ("maxLength", limits.max_length.map(Value::from)),
        ("minItems", limits.min_items.map(Value::from)),
        ("maxItems", limits.max_items.map(Value::from)),
    ];
    for (key, value) in pairs {
        if let Some(value) = value {
            set(schema, key, value);
        }
    }
}

/// A whole number is written without a fraction, as the spec writes it.
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Email => "email",
        Format::Url => "uri",
        Format::DateTime => "date-time",
    }
}

fn type_schema(ty: &TypeExpr, direction: Direction) -> Value {
    match ty {
        TypeExpr::String => json!({"type": "string"}),
        TypeExpr::Int => json!({"type": "integer", "format": "int64"}),
        TypeExpr::Uint => json!({"type": "integer", "minimum": 0, "maximum": u64::MAX}),
        TypeExpr::Number => json!({"type": "number"}),
        TypeExpr::Seconds => json!({"type": "integer", "minimum": 0, "maximum": u64::MAX}),
        TypeExpr::Bool => json!({"type": "boolean"}),
        TypeExpr::Json => json!({}),
        TypeExpr::Named(name) => match direction {
            // `request_types` decides which names have an input form; `finish` points the
            // rest back at the one schema they have.
            Direction::Request => json!({"$ref": schema_ref(&input_name(name))}),
            Direction::Answer => json!({"$ref": schema_ref(name)}),
        },
        TypeExpr::Array(inner) => json!({"type": "array", "items": type_schema(inner, direction)}),
        TypeExpr::Map(inner) => {
            json!({"type": "object", "additionalProperties": type_schema(inner, direction)})
        }
    }
}

/// Points `…Input` references of types without an input form (enums) at the type itself.
fn finish(value: &mut Value, inputs: &BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(target) if key == "$ref" => {
                        if let Some(name) = target
                            .strip_prefix("#/components/schemas/")
                            .and_then(|n| n.strip_suffix("Input"))
                        {
                            if !inputs.contains(name) {
                                *target = schema_ref(name);
                            }
                        }
                    }
                    _ => finish(v, inputs),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| finish(v, inputs)),
        _ => {}
    }
}

/// Rebuilds every object with its keys in order, whatever map type serde_json was built with.
fn sort_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (key, mut v) in entries {
                sort_keys(&mut v);
                map.insert(key, v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}
