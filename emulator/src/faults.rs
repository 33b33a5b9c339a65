//! Trouble on demand: added latency and a share of replies that are 429 or 5xx, drawn from a
//! seeded generator so a test that sets a seed sees the same sequence on every run.

use crate::state::splitmix64;
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
}
