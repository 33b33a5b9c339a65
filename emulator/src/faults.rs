//! Trouble on demand: added latency and a share of replies that are 429 or 5xx, drawn from a
//! seeded generator so a test that sets a seed sees the same sequence on every run; and rules
//! set at run time (per action or for all: a share of a status, the next N calls failing, added
//! latency).

use crate::state::splitmix64;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What the emulator does to requests before serving them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Added to every request to an action.
    pub latency: Duration,
    /// Share (0.0–1.0) of requests answered `429 too_many_requests`.
    pub rate_limited: f64,
    /// Share (0.0–1.0) of requests answered `503 internal`.
    pub server_errors: f64,
}

/// A fault drawn for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    RateLimited,
    ServerError,
}

/// The sequence of draws: a splitmix64 stream from the seed.
#[derive(Debug, Clone)]
pub struct Dice {
    state: u64,
}

impl Dice {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// `true` with probability `share`.
    fn chance(&mut self, share: f64) -> bool {
        share >= 1.0 || (share > 0.0 && self.next_unit() < share)
    }

    /// Uniform in [0, 1).
    fn next_unit(&mut self) -> f64 {
        self.state = self.state.wrapping_add(1);
        (splitmix64(self.state) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One draw decides the request's fate, so the shares add up as configured.
    pub fn roll(&mut self, faults: &Faults) -> Option<Injected> {
        if faults.rate_limited <= 0.0 && faults.server_errors <= 0.0 {
            return None;
        }
        let x = self.next_unit();
        if x < faults.rate_limited {
            Some(Injected::RateLimited)
        } else if x < faults.rate_limited + faults.server_errors {
            Some(Injected::ServerError)
        } else {
            None
        }
    }
}

/// The longest latency or `Retry-After` a rule may ask for: a fault plan is for tests, and a
/// typo should not hang one for hours.
const MAX_WAIT_SECS: u64 = 600;

/// A fault rule set at run time. A rule with a `status` fails the calls it applies to (the
/// `next` N of them, or a `share` of them); `latency_ms` delays them. The first rule whose
/// status fires decides the answer; the latencies of all rules that apply add up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// The action (as in the URL) it applies to; every action when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The status to answer: 429 (`too_many_requests`) or a 5xx (`internal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Share (0.0–1.0) of the calls answered with `status`. Default: all of them.
    #[serde(default = "all")]
    pub share: f64,
    /// Only the next N calls fail, whatever the share; counts down to 0 and stays there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<u64>,
    /// `Retry-After` in seconds. A 429 always carries one: 0 (retry at once) unless given, so a
    /// test of retries takes milliseconds; give one to test the waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Added to each call the rule applies to.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub latency_ms: u64,
}

fn all() -> f64 {
    1.0
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl FaultRule {
    /// Calls answered with `status` (429 or 5xx).
    pub fn status(status: u16) -> Self {
        Self {
            action: None,
            status: Some(status),
            share: 1.0,
            next: None,
            retry_after: None,
            latency_ms: 0,
        }
    }

    /// Calls delayed by `latency`.
    pub fn latency(latency: Duration) -> Self {
        Self {
            status: None,
            latency_ms: latency.as_millis().try_into().unwrap_or(u64::MAX),
            ..Self::status(0)
        }
    }

    /// Only calls to this action (its name as in the URL).
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// Only this share (0.0–1.0) of the calls.
    pub fn share(mut self, share: f64) -> Self {
        self.share = share;
        self
    }

    /// Only the next `n` calls.
    pub fn next(mut self, n: u64) -> Self {
        self.next = Some(n);
        self
    }

    /// The `Retry-After` (seconds) the answers carry.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    fn applies_to(&self, action: &str) -> bool {
        self.action.as_deref().is_none_or(|a| a == action)
    }

    fn check(&self) -> Result<(), String> {
        if let Some(action) = &self.action {
            if !known_action(action) {
                return Err(format!("`action`: unknown action `{action}`"));
            }
        }
        if let Some(status) = self.status {
            if status != 429 && !(500..=599).contains(&status) {
                return Err(format!("`status`: {status} is neither 429 nor a 5xx"));
            }
        } else if self.next.is_some() || self.retry_after.is_some() {
            return Err("`next` and `retry_after` need a `status`".to_string());
        }
        if !(0.0..=1.0).contains(&self.share) {
            return Err(format!("`share`: {} is not within 0.0–1.0", self.share));
        }
        if self.latency_ms > MAX_WAIT_SECS * 1000 || self.retry_after.unwrap_or(0) > MAX_WAIT_SECS {
            return Err(format!(
                "`latency_ms` and `retry_after` are at most {MAX_WAIT_SECS} s"
            ));
        }
        if self.status.is_none() && self.latency_ms == 0 {
            return Err("a rule needs a `status` or a `latency_ms`".to_string());
        }
        Ok(())
    }
}

/// The one place that says which action names a rule may name.
fn known_action(name: &str) -> bool {
    crate::versions::SERVED
        .iter()
        .any(|version| crate::versions::find(version, name).is_ok())
}

/// All the faults of an emulator: the start-time [`Faults`] and the run-time rules. As JSON
/// (`PUT /emulator/faults`): `{"latency_ms", "rate_limited", "server_errors",
/// "rate_limited_retry_after", "rules": [...]}`, every key optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultPlan {
    /// Added to every call.
    #[serde(default)]
    pub latency_ms: u64,
    /// Share (0.0–1.0) of all calls answered 429.
    #[serde(default)]
    pub rate_limited: f64,
    /// Share (0.0–1.0) of all calls answered 503.
    #[serde(default)]
    pub server_errors: f64,
    /// The `Retry-After` (seconds) of the 429s of `rate_limited`. Default 0: retry at once.
    #[serde(default)]
    pub rate_limited_retry_after: u64,
    /// Faults for particular actions, after the shares above.
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

impl FaultPlan {
    /// The plan's latency and shares, without its rules.
    pub fn faults(&self) -> Faults {
        Faults {
            latency: Duration::from_millis(self.latency_ms),
            rate_limited: self.rate_limited,
            server_errors: self.server_errors,
        }
    }

    /// Replaces the plan's latency and shares (clamped to 0.0–1.0), keeping its rules.
    pub fn set_faults(&mut self, faults: &Faults) {
        self.latency_ms = faults.latency.as_millis().try_into().unwrap_or(u64::MAX);
        self.rate_limited = faults.rate_limited.clamp(0.0, 1.0);
        self.server_errors = faults.server_errors.clamp(0.0, 1.0);
    }

    /// Why the plan cannot be used, naming the rule at fault.
    pub fn check(&self) -> Result<(), String> {
        for (name, share) in [
            ("rate_limited", self.rate_limited),
            ("server_errors", self.server_errors),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return Err(format!("`{name}`: {share} is not within 0.0–1.0"));
            }
        }
        if self.latency_ms > MAX_WAIT_SECS * 1000 || self.rate_limited_retry_after > MAX_WAIT_SECS {
            return Err(format!(
                "`latency_ms` and `rate_limited_retry_after` are at most {MAX_WAIT_SECS} s"
            ));
        }
        for (i, rule) in self.rules.iter().enumerate() {
            rule.check().map_err(|e| format!("`rules[{i}]`: {e}"))?;
        }
        Ok(())
    }
}

/// A failure drawn for one call: the status and the `Retry-After` to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    pub status: u16,
    pub retry_after: Option<u64>,
}

/// The plan and the draws, under one lock.
#[derive(Debug)]
pub struct FaultState {
    pub plan: FaultPlan,
    dice: Dice,
}

impl FaultState {
    pub fn new(plan: FaultPlan, seed: u64) -> Self {
        Self {
            plan,
            dice: Dice::new(seed),
        }
    }

    /// The latency and the failure, if any, for one call to `action`.
    pub fn draw(&mut self, action: &str) -> (Duration, Option<Fault>) {
        let mut latency = self.plan.latency_ms;
        let mut fault = None;
        for rule in self.plan.rules.iter_mut().filter(|r| r.applies_to(action)) {
            latency = latency.saturating_add(rule.latency_ms);
            let Some(status) = rule.status.filter(|_| fault.is_none()) else {
                continue;
            };
            let fires = match &mut rule.next {
                Some(0) => false,
                Some(left) => {
                    *left -= 1;
                    true
                }
                None => self.dice.chance(rule.share),
            };
            if fires {
                let retry_after = rule.retry_after.or((status == 429).then_some(0));
                fault = Some(Fault {
                    status,
                    retry_after,
                });
            }
        }
        if fault.is_none() {
            fault = match self.dice.roll(&self.plan.faults()) {
                Some(Injected::RateLimited) => Some(Fault {
                    status: 429,
                    retry_after: Some(self.plan.rate_limited_retry_after),
                }),
                Some(Injected::ServerError) => Some(Fault {
                    status: 503,
                    retry_after: None,
                }),
                None => None,
            };
        }
        (Duration::from_millis(latency), fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_come_out_roughly_as_configured_and_repeat_per_seed() {
        let faults = Faults {
            latency: Duration::ZERO,
            rate_limited: 0.2,
            server_errors: 0.3,
        };
        let draws = |seed| {
            let mut dice = Dice::new(seed);
            (0..10_000).map(|_| dice.roll(&faults)).collect::<Vec<_>>()
        };
        let run = draws(7);
        assert_eq!(run, draws(7));
        assert_ne!(run, draws(8));
        let limited = run
            .iter()
            .filter(|d| **d == Some(Injected::RateLimited))
            .count();
        let errors = run
            .iter()
            .filter(|d| **d == Some(Injected::ServerError))
            .count();
        assert!((1800..2200).contains(&limited), "{limited}");
        assert!((2700..3300).contains(&errors), "{errors}");
    }

    #[test]
    fn no_faults_configured_means_none_drawn() {
        let mut dice = Dice::new(1);
        assert!((0..100).all(|_| dice.roll(&Faults::default()).is_none()));
    }

    #[test]
    fn next_n_fails_exactly_n_calls_of_its_action_then_stops() {
        let plan = FaultPlan {
            rules: vec![FaultRule::status(503).action("create_agent").next(2)],
            ..FaultPlan::default()
        };
        let mut state = FaultState::new(plan, 1);
        assert_eq!(state.draw("list_agents").1, None);
        let drawn: Vec<_> = (0..4).map(|_| state.draw("create_agent").1).collect();
        let failed = Some(Fault {
            status: 503,
            retry_after: None,
        });
        assert_eq!(drawn, [failed, failed, None, None]);
        assert_eq!(state.plan.rules[0].next, Some(0));
    }

    #[test]
    fn a_rule_429_carries_a_retry_after_and_latencies_add_up() {
        let plan = FaultPlan {
            latency_ms: 5,
            rules: vec![
                FaultRule::latency(Duration::from_millis(7)),
                FaultRule::status(429),
            ],
            ..FaultPlan::default()
        };
        let (latency, fault) = FaultState::new(plan, 1).draw("get_agent");
        assert_eq!(latency, Duration::from_millis(12));
        assert_eq!(
            fault,
            Some(Fault {
                status: 429,
                retry_after: Some(0)
            })
        );
    }

    #[test]
    fn plans_with_impossible_rules_are_refused_by_name() {
        let bad = |rule: FaultRule| {
            FaultPlan {
                rules: vec![rule],
                ..FaultPlan::default()
            }
            .check()
            .unwrap_err()
        };
        assert!(bad(FaultRule::status(404)).contains("rules[0]"));
        assert!(bad(FaultRule::status(429).action("no_such_action")).contains("no_such_action"));
        assert!(bad(FaultRule::status(500).share(1.5)).contains("share"));
    }
}
