//! A fuzzer on the stable toolchain: seed bodies (the spec's examples, kept in `fuzz-corpus/`)
//! mutated structurally (JSON values swapped, removed, nested, retyped) and bytewise (cut, flipped,
//! spliced), fed to `Action::decode_response`, `Action::decode_request` and — inside batch answers
//! — the API-error decoder, each under `catch_unwind`.

use crate::rng::Rng;
use livechat_config::Action;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

/// What a seed body is fed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Response,
    Request,
    /// An API error payload; it reaches the decoder as an item of a batch answer.
    Error,
}

impl Target {
    fn dir(self) -> &'static str {
        match self {
            Target::Response => "response",
            Target::Request => "request",
            Target::Error => "error",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Seed {
    pub target: Target,
    /// `None` for error payloads, which belong to no action.
    pub action: Option<Action>,
    pub bytes: Vec<u8>,
}

/// The seed corpus from the spec: every action's example request and response (`{}` where the
/// action answers nothing), batch answers built from them, and one error payload per documented
/// error type. Paths are relative to the corpus directory.
pub fn corpus_from_spec(spec: &Value) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut put = |path: String, value: &Value| {
        let text = serde_json::to_string_pretty(value).unwrap_or_default();
        files.push((path, text.into_bytes()));
    };
    let errors: Vec<&str> = spec["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["type"].as_str())
        .collect();
    for kind in &errors {
        put(
            format!("error/{kind}.json"),
            &json!({"error": {"type": kind, "message": kind.replace('_', " "), "data": {"region": "fra"}}}),
        );
    }
    let actions = spec["actions"].as_array().cloned().unwrap_or_default();
    for action in &actions {
        let Some(name) = action["name"].as_str() else {
            continue;
        };
        let examples = &action["examples"];
        let response = examples.get("response").cloned().unwrap_or(json!({}));
        put(format!("response/{name}.json"), &response);
        if let Some(request) = examples.get("request") {
            put(format!("request/{name}.json"), request);
        }
        let batch = Action::from_name(name).and_then(Action::batch_action);
        if let Some(batch) = batch {
            let error = json!({"error": {"type": "not_found", "message": "Not found"}});
            put(
                format!("response/{}.json", batch.name()),
                &json!({"responses": [response, error]}),
            );
            if let Some(request) = examples.get("request") {
                put(
                    format!("request/{}.json", batch.name()),
                    &json!({"requests": [request, request]}),
                );
            }
        }
    }
    files
}

/// Reads `response/`, `request/` and `error/` under `dir`.
pub fn load_corpus(dir: &Path) -> Result<Vec<Seed>, String> {
    let mut seeds = Vec::new();
    for target in [Target::Response, Target::Request, Target::Error] {
        let sub = dir.join(target.dir());
        let entries = std::fs::read_dir(&sub).map_err(|e| format!("{}: {e}", sub.display()))?;
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let action = Action::from_name(stem);
            if target != Target::Error && action.is_none() {
                return Err(format!("{}: no action named `{stem}`", path.display()));
            }
            seeds.push(Seed {
                target,
                action,
                bytes,
            });
        }
    }
    if seeds.is_empty() {
        return Err(format!("{}: empty corpus", dir.display()));
    }
    Ok(seeds)
}

/// Counts of one run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    pub inputs: u64,
    pub decoded: u64,
    pub rejected: u64,
    pub panics: u64,
}

/// One input that panicked, to write down and replay.
#[derive(Debug, Clone)]
pub struct Crash {
    pub action: Action,
    pub target: Target,
    pub bytes: Vec<u8>,
    pub message: String,
}

/// Strings and keys found in the corpus: mutations reuse them so inputs get past the first
/// enum or field-name check and reach deeper code.
fn dictionary(seeds: &[Seed]) -> Vec<String> {
    fn walk(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::String(s) => {
                out.insert(s.clone());
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            Value::Object(map) => {
                for (k, v) in map {
                    out.insert(k.clone());
                    walk(v, out);
                }
            }
            _ => {}
        }
    }
    let mut words = BTreeSet::new();
    for seed in seeds {
        if let Ok(value) = serde_json::from_slice::<Value>(&seed.bytes) {
            walk(&value, &mut words);
        }
    }
    words.into_iter().collect()
}

struct Mutator<'a> {
    rng: Rng,
    words: &'a [String],
}

impl Mutator<'_> {
    fn word(&mut self) -> String {
        if self.words.is_empty() {
            return "x".into();
        }
        self.words[self.rng.below(self.words.len() as u64) as usize].clone()
    }

    fn edge_value(&mut self) -> Value {
        match self.rng.below(22) {
            0 => Value::Null,
            1 => json!(true),
            2 => json!(false),
            3 => json!(0),
            4 => json!(-1),
            5 => json!(i64::MIN),
            6 => json!(u64::MAX),
            7 => json!(1e308),
            8 => json!(-0.5),
            9 => json!(""),
            10 => json!("x".repeat(self.rng.below(5000) as usize)),
            11 => json!("\u{0}\u{ffff}🦀日本\u{7f}"),
            12 => json!([]),
            13 => json!({}),
            14 => json!({"error": {"type": self.word(), "message": self.word()}}),
            15 => json!("2017-10-12T15:19:21.010200Z"),
            16 => json!(4_294_967_296u64),
            17 => json!(65536),
            _ => json!(self.word()),
        }
    }

    /// Changes one node somewhere inside `value`.
    fn mutate(&mut self, value: &mut Value, depth: usize) {
        let descend = depth < 64 && self.rng.chance(70);
        match value {
            Value::Object(map) if descend && !map.is_empty() => {
                let i = self.rng.below(map.len() as u64) as usize;
                if let Some(child) = map.values_mut().nth(i) {
                    return self.mutate(child, depth + 1);
                }
            }
            Value::Array(items) if descend && !items.is_empty() => {
                let i = self.rng.below(items.len() as u64) as usize;
                return self.mutate(&mut items[i], depth + 1);
            }
            _ => {}
        }
        match self.rng.below(8) {
            0 | 1 => *value = self.edge_value(),
            2 => match value {
                Value::Object(map) if !map.is_empty() => {
                    let i = self.rng.below(map.len() as u64) as usize;
                    if let Some(key) = map.keys().nth(i).cloned() {
                        map.remove(&key);
                    }
                }
                Value::Array(items) if !items.is_empty() => {
                    let i = self.rng.below(items.len() as u64) as usize;
                    items.remove(i);
                }
                _ => *value = Value::Null,
            },
            3 => match value {
                Value::Object(map) => {
                    let (key, v) = (self.word(), self.edge_value());
                    map.insert(key, v);
                }
                Value::Array(items) => {
                    let extra = match items.first() {
                        Some(first) if self.rng.chance(50) => first.clone(),
                        _ => self.edge_value(),
                    };
                    for _ in 0..=self.rng.below(3) {
                        items.push(extra.clone());
                    }
                }
                _ => *value = json!(self.word()),
            },
            4 => *value = Value::Array(vec![value.take()]),
            5 => {
                let mut map = Map::new();
                map.insert(self.word(), value.take());
                *value = Value::Object(map);
            }
            6 => {
                *value = match value.take() {
                    Value::String(s) => json!(s.len()),
                    Value::Number(n) => json!(n.to_string()),
                    Value::Bool(b) => json!(b as u8),
                    Value::Array(items) => items.into_iter().next().unwrap_or(Value::Null),
                    Value::Object(map) => map
                        .into_iter()
                        .next()
                        .map(|(_, v)| v)
                        .unwrap_or(Value::Null),
                    Value::Null => json!({}),
                }
            }
            _ => {
                let levels = 100 + self.rng.below(100);
                let mut nested = value.take();
                for _ in 0..levels {
                    nested = Value::Array(vec![nested]);
                }
                *value = nested;
            }
        }
    }

    fn mutate_bytes(&mut self, bytes: &mut Vec<u8>) {
        const SPICE: &[&[u8]] = &[
            b"{",
            b"}",
            b"[",
            b"]",
            b"\"",
            b":",
            b",",
            b"\\",
            b"\\ud800",
            b"\\u0000",
            b"\xc3\x28",
            b"\xff",
            b"1e999999",
            b"-",
            b"null",
            b"NaN",
            b" ",
            b"\0",
        ];
        if bytes.is_empty() {
            bytes.extend_from_slice(SPICE[self.rng.below(SPICE.len() as u64) as usize]);
            return;
        }
        let at = self.rng.below(bytes.len() as u64 + 1) as usize;
        match self.rng.below(5) {
            0 => bytes.truncate(at),
            1 => {
                let i = at.min(bytes.len() - 1);
                bytes[i] ^= 1 << self.rng.below(8);
            }
            2 => {
                let spice = SPICE[self.rng.below(SPICE.len() as u64) as usize];
                bytes.splice(at..at, spice.iter().copied());
            }
            3 => {
                let end = (at + self.rng.below(64) as usize).min(bytes.len());
                let slice = bytes[at..end].to_vec();
                bytes.splice(at..at, slice);
            }
            _ => {
                let end = (at + self.rng.below(16) as usize).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }

    /// 1–3 structural mutations of the seed, then sometimes a byte-level one.
    fn input(&mut self, seed: &[u8]) -> Vec<u8> {
        let mut bytes = match serde_json::from_slice::<Value>(seed) {
            Ok(mut value) => {
                for _ in 0..=self.rng.below(3) {
                    self.mutate(&mut value, 0);
                }
                serde_json::to_vec(&value).unwrap_or_default()
            }
            Err(_) => seed.to_vec(),
        };
        if self.rng.chance(30) {
            for _ in 0..=self.rng.below(3) {
                self.mutate_bytes(&mut bytes);
            }
        }
        bytes
    }
}

/// `n` mutated API error payloads, for sending through a real connection.
pub fn mutated_errors(seeds: &[Seed], n: usize, seed: u64) -> Vec<Vec<u8>> {
    let words = dictionary(seeds);
    let mut mutator = Mutator {
        rng: Rng::new(seed),
        words: &words,
    };
    (0..n)
        .filter_map(|_| {
            let seed = pick(seeds, &mut mutator.rng, Target::Error, None)?;
            Some(mutator.input(&seed.bytes))
        })
        .collect()
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic".into())
}

/// Decodes `bytes` as `target` of `action`; the error, if any, is formatted too, since that is
/// what callers do with it. `Ok(true)` when it decoded.
fn decode(action: Action, target: Target, bytes: &[u8]) -> bool {
    match target {
        Target::Request => match action.decode_request(bytes) {
            Ok(_) => true,
            Err(e) => e.to_string().is_empty(),
        },
        Target::Response | Target::Error => match action.decode_response(bytes) {
            Ok(_) => true,
            Err(e) => e.to_string().is_empty(),
        },
    }
}

/// Runs `inputs` mutated inputs from `seed`, round-robin over every action of [`Action::ALL`] and
/// over the three targets; calls `on_crash` for every input that panicked.
pub fn run(seeds: &[Seed], inputs: u64, seed: u64, mut on_crash: impl FnMut(Crash)) -> Stats {
    let words = dictionary(seeds);
    let mut mutator = Mutator {
        rng: Rng::new(seed),
        words: &words,
    };
    let batches: Vec<Action> = Action::ALL
        .iter()
        .copied()
        .filter(|a| a.is_batch())
        .collect();
    let quiet = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let mut stats = Stats::default();
    for i in 0..inputs {
        let action = Action::ALL[(i / 3) as usize % Action::ALL.len()];
        let (target, action, bytes) = match i % 3 {
            0 => {
                let seed = pick(seeds, &mut mutator.rng, Target::Response, Some(action));
                let bytes = seed.map(|s| mutator.input(&s.bytes)).unwrap_or_default();
                (Target::Response, action, bytes)
            }
            1 => {
                let seed = pick(seeds, &mut mutator.rng, Target::Request, Some(action));
                let bytes = seed.map(|s| mutator.input(&s.bytes)).unwrap_or_default();
                (Target::Request, action, bytes)
            }
            _ => {
                let seed = pick(seeds, &mut mutator.rng, Target::Error, None);
                let error = seed.map(|s| mutator.input(&s.bytes)).unwrap_or_default();
                let batch = batches[mutator.rng.below(batches.len() as u64) as usize];
                let mut body = b"{\"responses\":[".to_vec();
                body.extend_from_slice(&error);
                body.extend_from_slice(b"]}");
                (Target::Error, batch, body)
            }
        };
        stats.inputs += 1;
        match panic::catch_unwind(AssertUnwindSafe(|| decode(action, target, &bytes))) {
            Ok(true) => stats.decoded += 1,
            Ok(false) => stats.rejected += 1,
            Err(payload) => {
                stats.panics += 1;
                on_crash(Crash {
                    action,
                    target,
                    bytes,
                    message: panic_message(payload),
                });
            }
        }
    }
    panic::set_hook(quiet);
    stats
}

/// A seed of `want` for `action` (any action when `None`); now and then any seed at all, so
/// bodies of one action reach another's decoder.
fn pick<'a>(
    seeds: &'a [Seed],
    rng: &mut Rng,
    want: Target,
    action: Option<Action>,
) -> Option<&'a Seed> {
    let matching: Vec<&Seed> = seeds
        .iter()
        .filter(|s| s.target == want && (action.is_none() || s.action == action))
        .collect();
    let pool: Vec<&Seed> = if matching.is_empty() || rng.chance(10) {
        seeds.iter().collect()
    } else {
        matching
    };
    pool.get(rng.below(pool.len() as u64) as usize).copied()
}
