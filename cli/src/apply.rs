//! Carries out a plan, stage by stage in dependency order, with the batch endpoints where the
//! API has them. A failed operation is reported and the rest still run.

use crate::kinds::{self, Kind};
use crate::live::Api;
use crate::plan::{Change, Op, Plan};
use futures_util::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use livechat_config::{DEFAULT_BATCH_CHUNK_SIZE, DEFAULT_BATCH_CONCURRENCY};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::IsTerminal;

/// An operation that did not happen.
#[derive(Debug)]
pub struct Failure {
    pub kind: Kind,
    pub key: String,
    pub action: String,
    pub error: String,
    /// A passing cause (429, 5xx, the network): running apply again may get it through. Else
    /// the API refused what was sent, and sending it again is refused again.
    pub transient: bool,
}

/// Whether an error of a call may pass by itself.
fn transient(error: &livechat_config::Error) -> bool {
    error.is_retryable()
}

#[derive(Default)]
struct Tally {
    created: usize,
    updated: usize,
    deleted: usize,
    moved: usize,
    calls: usize,
    failures: Vec<Failure>,
    registered: Vec<(Op, Value)>,
}

/// What an apply did not do, and the webhooks it registered (each with its new id), whose
/// secrets the caller records.
#[derive(Default)]
pub struct Outcome {
    pub failures: Vec<Failure>,
    pub registered: Vec<(Op, Value)>,
}

/// Runs the plan.
pub async fn apply(api: &Api, plan: Plan, mut groups: BTreeMap<String, u64>) -> Outcome {
    let terminal = std::io::stderr().is_terminal();
    let mut failures = Vec::new();
    let mut registered = Vec::new();
    let (deletes, rest): (Vec<Op>, Vec<Op>) = plan
        .ops
        .into_iter()
        .partition(|o| matches!(o.change, Change::Delete));
    for kind in Kind::ALL {
        let ops: Vec<Op> = rest.iter().filter(|o| o.kind == kind).cloned().collect();
        if ops.is_empty() {
            continue;
        }
        let tally = stage(api, kind, ops, &mut groups, terminal, "").await;
        failures.extend(tally.failures);
        registered.extend(tally.registered);
    }
    for kind in Kind::ALL.into_iter().rev() {
        let ops: Vec<Op> = deletes.iter().filter(|o| o.kind == kind).cloned().collect();
        if ops.is_empty() {
            continue;
        }
        let tally = stage(api, kind, ops, &mut groups, terminal, " (removals)").await;
        failures.extend(tally.failures);
    }
    Outcome {
        failures,
        registered,
    }
}

async fn stage(
    api: &Api,
    kind: Kind,
    ops: Vec<Op>,
    groups: &mut BTreeMap<String, u64>,
    terminal: bool,
    label: &str,
) -> Tally {
    let name = format!("{}{label}", kind.section());
    let bar = if terminal {
        let bar = ProgressBar::new(ops.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{msg:>24} [{bar:30}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(name.clone());
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut tally = Tally::default();
    let (creates, others): (Vec<Op>, Vec<Op>) = ops
        .into_iter()
        .partition(|o| matches!(o.change, Change::Create));
    let (moves, others): (Vec<Op>, Vec<Op>) = others
        .into_iter()
        .partition(|o| matches!(o.change, Change::Move { .. }));
    let (updates, deletes): (Vec<Op>, Vec<Op>) = others
        .into_iter()
        .partition(|o| !matches!(o.change, Change::Delete));

    match kind {
        Kind::Agent | Kind::Bot => {
            batched(
                api,
                kind,
                kind.create_action(),
                &creates,
                groups,
                &bar,
                &mut tally,
            )
            .await;
            batched(
                api,
                kind,
                kind.update_action().unwrap_or_default(),
                &updates,
                groups,
                &bar,
                &mut tally,
            )
            .await;
            batched(
                api,
                kind,
                kind.delete_action(),
                &deletes,
                groups,
                &bar,
                &mut tally,
            )
            .await;
        }
        Kind::LicenseProperty | Kind::GroupProperty => {
            properties(
                api,
                kind,
                &creates.into_iter().chain(updates).collect::<Vec<_>>(),
                &deletes,
                groups,
                &bar,
                &mut tally,
            )
            .await;
        }
        _ => {
            // Rules are added one after another so that they keep the file's order.
            let parallel = if kind == Kind::AutoAccess {
                1
            } else {
                DEFAULT_BATCH_CONCURRENCY
            };
            for ops in [creates, updates, deletes] {
                one_by_one(api, kind, ops, groups, parallel, &bar, &mut tally).await;
            }
            one_by_one(api, kind, moves, groups, 1, &bar, &mut tally).await;
        }
    }
    let summary = format!(
        "{name}: {} created, {} updated, {} deleted{}, {} failed ({} call{})",
        tally.created,
        tally.updated,
        tally.deleted,
        if tally.moved > 0 {
            format!(", {} moved", tally.moved)
        } else {
            String::new()
        },
        tally.failures.len(),
        tally.calls,
        if tally.calls == 1 { "" } else { "s" }
    );
    if terminal {
        bar.finish_and_clear();
    }
    eprintln!("{summary}");
    tally
}

fn secret(value: &Value) -> Result<String, String> {
    kinds::secret_from_env(value)
}

/// The request body of one operation.
pub(crate) fn body_of(
    api_kind: Kind,
    op: &Op,
    groups: &BTreeMap<String, u64>,
) -> Result<(String, Value), String> {
    let lookup = |name: &str| groups.get(name).copied();
    let fields = |op: &Op| -> Result<Map<String, Value>, String> {
        let entry = op.desired.as_ref().ok_or("nothing to send")?;
        kinds::to_api(api_kind, &entry.body, &lookup, &secret)
    };
    let id = op.id.clone().unwrap_or(Value::Null);
    let owner = || {
        op.desired
            .as_ref()
            .and_then(|e| e.body.get("owner_client_id").cloned())
    };
    let kind = op.kind;
    Ok(match &op.change {
        Change::Create => {
            let mut body = fields(op)?;
            match kind {
                Kind::Group => {
                    body.insert("agent_priorities".into(), json!({}));
                }
                Kind::Agent if body.get("role").and_then(Value::as_str) == Some("owner") => {
                    return Err(
                        "an agent cannot be made an owner; the license has one already".into(),
                    );
                }
                _ => {}
            }
            (kind.create_action().to_owned(), Value::Object(body))
        }
        Change::Update { fields: changes } => {
            let all = fields(op)?;
            let mut body = Map::new();
            for c in changes {
                let field = if kind == Kind::Tag && c.field == "groups" {
                    "group_ids"
                } else {
                    c.field.as_str()
                };
                if let Some(v) = all.get(field) {
                    body.insert(field.to_owned(), v.clone());
                }
            }
            match kind {
                Kind::Tag => {
                    body.insert("name".into(), json!(op.key));
                }
                Kind::BotTemplate => {
                    body.insert("id".into(), id);
                    body.insert("owner_client_id".into(), owner().unwrap_or(Value::Null));
                }
                Kind::PropertyDefinition => {
                    let entry = op.desired.as_ref().ok_or("nothing to send")?;
                    let access = entry
                        .body
                        .get("public_access")
                        .cloned()
                        .unwrap_or(json!([]));
                    return Ok((
                        "publish_property".into(),
                        json!({
                            "name": entry.body.get("name"),
                            "owner_client_id": entry.body.get("owner_client_id"),
                            "access_type": access,
                        }),
                    ));
                }
                _ => {
                    body.insert("id".into(), id);
                }
            }
            (
                kind.update_action().unwrap_or_default().to_owned(),
                Value::Object(body),
            )
        }
        // `one_by_one` sends a replacement as its removal and its creation.
        Change::Replace { .. } => return Err("a replacement has no single request".into()),
        Change::Delete => {
            let body = match kind {
                Kind::Tag => json!({ "name": op.key }),
                Kind::PropertyDefinition => json!({ "name": id, "owner_client_id": owner() }),
                Kind::BotTemplate | Kind::Webhook => {
                    json!({ "id": id, "owner_client_id": owner() })
                }
                _ => json!({ "id": id }),
            };
            (kind.delete_action().to_owned(), body)
        }
        Change::Move { before } => {
            let next = before.as_ref().map_or(Ok(json!("")), |_| {
                op.desired
                    .as_ref()
                    .and_then(|e| e.body.get("next_id").cloned())
                    .ok_or("the rule to come before is unknown")
            })?;
            (
                "update_auto_access".to_owned(),
                json!({ "id": id, "next_id": next }),
            )
        }
    })
}

fn fail(tally: &mut Tally, op: &Op, action: &str, error: impl Into<String>, transient: bool) {
    tally.failures.push(Failure {
        kind: op.kind,
        key: op.key.clone(),
        action: action.to_owned(),
        error: error.into(),
        transient,
    });
}

fn count(tally: &mut Tally, op: &Op) {
    match op.change {
        Change::Create => tally.created += 1,
        Change::Update { .. } | Change::Replace { .. } => tally.updated += 1,
        Change::Delete => tally.deleted += 1,
        Change::Move { .. } => tally.moved += 1,
    }
}

/// Operations of one action sent through its batch endpoint, in chunks, several at a time.
async fn batched(
    api: &Api,
    kind: Kind,
    action: &str,
    ops: &[Op],
    groups: &BTreeMap<String, u64>,
    bar: &ProgressBar,
    tally: &mut Tally,
) {
    if ops.is_empty() {
        return;
    }
    let batch = api
        .version
        .spec()
        .action(action)
        .and_then(|a| a.batch_endpoint.clone())
        .unwrap_or_default();
    let mut ready = Vec::new();
    for op in ops {
        match body_of(kind, op, groups) {
            Ok((_, body)) => ready.push((op, body)),
            // The plan checked the file, so what is missing here is what an earlier operation of
            // this run failed to make (a group): a run that gets that through gets this through.
            Err(e) => fail(tally, op, action, e, true),
        }
    }
    let chunks: Vec<Vec<(&Op, Value)>> = ready
        .chunks(DEFAULT_BATCH_CHUNK_SIZE)
        .map(|c| c.to_vec())
        .collect();
    let mut answers = stream::iter(chunks.into_iter().map(|chunk| {
        let body = json!({ "requests": chunk.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>() });
        let batch = batch.clone();
        async move { (api.call(&batch, body).await, chunk) }
    }))
    .buffer_unordered(DEFAULT_BATCH_CONCURRENCY);
    while let Some((answer, chunk)) = answers.next().await {
        tally.calls += 1;
        match answer {
            Err(e) => {
                for (op, _) in &chunk {
                    fail(tally, op, &batch, e.to_string(), transient(&e));
                }
            }
            Ok(answer) => {
                let responses = answer
                    .get("responses")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for (i, (op, _)) in chunk.iter().enumerate() {
                    match responses.get(i) {
                        Some(r) if r.get("error").is_some() => {
                            let e = &r["error"];
                            let message = format!(
                                "`{action}`: {}: {}",
                                e["type"].as_str().unwrap_or("error"),
                                e["message"].as_str().unwrap_or_default()
                            );
                            let passing = matches!(
                                e["type"].as_str(),
                                Some("too_many_requests" | "internal" | "service_unavailable")
                            );
                            fail(tally, op, action, message, passing);
                        }
                        Some(_) => count(tally, op),
                        None => fail(
                            tally,
                            op,
                            &batch,
                            "the batch answer has no response for it",
                            true,
                        ),
                    }
                }
            }
        }
        bar.inc(chunk.len() as u64);
    }
}

/// Operations sent one call each, up to `parallel` at a time.
async fn one_by_one(
    api: &Api,
    kind: Kind,
    ops: Vec<Op>,
    groups: &mut BTreeMap<String, u64>,
    parallel: usize,
    bar: &ProgressBar,
    tally: &mut Tally,
) {
    // A move names the rule to come before by its key; its id is known only now.
    let mut sends = Vec::new();
    for op in ops {
        let mut op = op;
        if let Change::Move {
            before: Some(before),
        } = &op.change
        {
            let next = rule_id(api, before).await;
            match next {
                Some(id) => {
                    op.desired = Some(kinds::Entry {
                        kind,
                        key: before.clone(),
                        body: Map::from_iter([("next_id".to_owned(), id)]),
                        path: String::new(),
                    })
                }
                None => {
                    fail(
                        tally,
                        &op,
                        "update_auto_access",
                        format!("the rule `{before}` is not in the license"),
                        false,
                    );
                    continue;
                }
            }
        }
        if let Change::Move { .. } = op.change {
            if op.id.is_none() {
                op.id = rule_id(api, &op.key).await;
            }
        }
        let mut steps = Vec::new();
        if let Change::Replace { .. } = op.change {
            let mut removal = op.clone();
            removal.change = Change::Delete;
            let mut creation = op.clone();
            creation.change = Change::Create;
            steps.push(removal);
            steps.push(creation);
        } else {
            steps.push(op.clone());
        }
        sends.push((op, steps));
    }
    let groups_now = groups.clone();
    let mut done = stream::iter(sends.into_iter().map(|(op, steps)| {
        let groups_now = &groups_now;
        async move {
            let mut results = Vec::new();
            for step in &steps {
                let sent = match body_of(kind, step, groups_now) {
                    Ok((action, body)) => {
                        let answer = api
                            .call(&action, body)
                            .await
                            .map_err(|e| (crate::report::report(&e), transient(&e)));
                        (action, answer)
                    }
                    // As in `batched`: made missing by an earlier failure of this run.
                    Err(e) => (String::new(), Err((e, true))),
                };
                let failed = sent.1.is_err();
                results.push(sent);
                if failed {
                    break;
                }
            }
            (op, results)
        }
    }))
    .buffer_unordered(parallel.max(1));
    while let Some((op, results)) = done.next().await {
        let mut ok = true;
        for (action, result) in results {
            tally.calls += usize::from(!action.is_empty());
            match result {
                Ok(answer) => {
                    if kind == Kind::Group && matches!(op.change, Change::Create) {
                        if let Some(id) = answer.get("id").and_then(Value::as_u64) {
                            groups.insert(op.key.clone(), id);
                        }
                    }
                    if action == kind.create_action() && kind == Kind::Webhook {
                        if let Some(id) = answer.get("id") {
                            tally.registered.push((op.clone(), id.clone()));
                        }
                    }
                }
                Err(e) => {
                    let action = if action.is_empty() {
                        kind.create_action().to_owned()
                    } else {
                        action
                    };
                    let (message, passing) = e;
                    fail(tally, &op, &action, message, passing);
                    ok = false;
                }
            }
        }
        if ok {
            count(tally, &op);
        }
        bar.inc(1);
    }
}

/// The id of an auto access rule by its description, as the license has it now.
async fn rule_id(api: &Api, description: &str) -> Option<Value> {
    let rules = api.call("list_auto_accesses", json!({})).await.ok()?;
    rules
        .as_array()?
        .iter()
        .find(|r| r.get("description").and_then(Value::as_str) == Some(description))
        .and_then(|r| r.get("id").cloned())
}

/// The operations one property call makes, and its `properties`.
type Batch<'a> = (Vec<&'a Op>, Map<String, Value>);

/// Property values: one call for all the license's, one per group for groups'.
async fn properties(
    api: &Api,
    kind: Kind,
    sets: &[Op],
    deletes: &[Op],
    groups: &BTreeMap<String, u64>,
    bar: &ProgressBar,
    tally: &mut Tally,
) {
    let mut by_target: BTreeMap<Option<String>, Batch> = BTreeMap::new();
    for op in sets {
        let Some(entry) = &op.desired else { continue };
        let target = (kind == Kind::GroupProperty)
            .then(|| entry.body["group"].as_str().unwrap_or_default().to_owned());
        let slot = by_target.entry(target).or_default();
        let ns = entry.body["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let name = entry.body["name"].as_str().unwrap_or_default().to_owned();
        slot.1.entry(ns).or_insert_with(|| json!({}))[name] = entry.body["value"].clone();
        slot.0.push(op);
    }
    for (target, (ops, properties)) in by_target {
        let mut body = json!({ "properties": properties });
        if let Some(group) = &target {
            match groups.get(group) {
                Some(id) => body["group_id"] = json!(id),
                None => {
                    for op in ops {
                        fail(
                            tally,
                            op,
                            kind.create_action(),
                            format!("no group named `{group}` (its creation failed)"),
                            true,
                        );
                    }
                    continue;
                }
            }
        }
        send_all(api, kind.create_action(), body, &ops, bar, tally).await;
    }
    let mut by_target: BTreeMap<Option<String>, Batch> = BTreeMap::new();
    for op in deletes {
        // The key is `ns.name` (license) or `group: ns.name`.
        let (group, path) = match op.key.split_once(": ") {
            Some((g, p)) if kind == Kind::GroupProperty => (Some(g.to_owned()), p),
            _ => (None, op.key.as_str()),
        };
        let Some((ns, name)) = path.split_once('.') else {
            continue;
        };
        let slot = by_target.entry(group).or_default();
        let names = slot.1.entry(ns.to_owned()).or_insert_with(|| json!([]));
        if let Some(list) = names.as_array_mut() {
            list.push(json!(name));
        }
        slot.0.push(op);
    }
    for (target, (ops, properties)) in by_target {
        let mut body = json!({ "properties": properties });
        if let Some(id) = target.as_ref().and_then(|g| groups.get(g)) {
            body["id"] = json!(id);
        }
        send_all(api, kind.delete_action(), body, &ops, bar, tally).await;
    }
}

async fn send_all(
    api: &Api,
    action: &str,
    body: Value,
    ops: &[&Op],
    bar: &ProgressBar,
    tally: &mut Tally,
) {
    tally.calls += 1;
    match api.call(action, body).await {
        Ok(_) => ops.iter().for_each(|op| count(tally, op)),
        Err(e) => ops
            .iter()
            .for_each(|op| fail(tally, op, action, e.to_string(), transient(&e))),
    }
    bar.inc(ops.len() as u64);
}
