//! Growing delays for failed logins, per e-mail, in memory: after
//! `login_failures_per_email` failures, each further failure makes the next
//! attempt for that e-mail wait twice as long (1 s, 2 s, 4 s, … up to
//! `login_delay_max_secs`), and a quarter of an hour without failures
//! forgets them. A hard block would let anyone lock a moderator out by
//! failing on purpose; a delay only slows them.
//!
//! An address that logged in to an account before is exempt from that
//! account's delay: it gets a delay of its own, which only someone at that
//! address can grow, so the real moderator can log in during an attack. We
//! remember these (address, e-mail) pairs as HMACs under a key made at
//! start, so neither addresses nor e-mails are kept. Like every limit here
//! this is per instance, and a restart forgets the pairs (a moderator then
//! waits like anyone until they log in once more).

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use crate::domain::secrets;

/// Failures are forgotten after this long without one.
const QUIET: Duration = Duration::from_secs(15 * 60);
/// How long a successful login exempts its address.
const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Entries kept before stale ones are dropped, to bound memory.
const MAX_ENTRIES: usize = 100_000;

/// How delays grow: `free` failures without one (0 turns delays off), then
/// a wait that doubles from 1 s up to `max`.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub free: u32,
    pub max: Duration,
}

pub struct LoginDelays {
    /// Keys the (address, e-mail) pairs.
    key: String,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// By `email:…` or, for known pairs, `pair:…`.
    failures: HashMap<String, Failures>,
    /// Pairs that logged in, and when they last did.
    known: HashMap<String, Instant>,
}

struct Failures {
    count: u32,
    last: Instant,
    /// No attempt before this.
    until: Instant,
}

/// An attempt let through, counted as a failure until [`LoginDelays::succeeded`].
#[derive(Debug)]
pub struct Attempt {
    key: String,
    pair: String,
}

impl Default for LoginDelays {
    fn default() -> Self {
        Self {
            key: secrets::new_salt(),
            state: Mutex::default(),
        }
    }
}

impl LoginDelays {
    /// Before the password is checked: the seconds to wait, or the attempt,
    /// already counted as a failure, so that guesses sent all at once
    /// cannot all pass before the first one fails.
    pub fn attempt(
        &self,
        ip: Option<IpAddr>,
        email: &str,
        policy: Policy,
        now: Instant,
    ) -> Result<Attempt, u64> {
        let ip = ip.map(|ip| ip.to_string()).unwrap_or_default();
        let pair = secrets::ip_hash(&self.key, &format!("{ip}\0{email}"));
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.prune(now);
        let known = state
            .known
            .get(&pair)
            .is_some_and(|t| now.duration_since(*t) < KNOWN_FOR);
        let key = if known {
            format!("pair:{pair}")
        } else {
            format!("email:{email}")
        };
        if policy.free > 0 {
            let f = state.failures.entry(key.clone()).or_insert(Failures {
                count: 0,
                last: now,
                until: now,
            });
            if now < f.until {
                return Err(whole_secs(f.until - now));
            }
            if now.duration_since(f.last) >= QUIET {
                f.count = 0;
            }
            f.count += 1;
            f.last = now;
            if f.count >= policy.free {
                f.until = now + delay(f.count - policy.free, policy.max);
            }
        }
        Ok(Attempt { key, pair })
    }

    /// The password was wrong. Its wait runs from now, not from when it was
    /// let through: checking a password takes time, which would otherwise
    /// eat the wait before the caller even learns of it.
    pub fn failed(&self, attempt: Attempt, policy: Policy, now: Instant) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(f) = state.failures.get_mut(&attempt.key) {
            if policy.free > 0 && f.count >= policy.free {
                f.until = f.until.max(now + delay(f.count - policy.free, policy.max));
            }
        }
    }

    /// The password was right: the failures counted under the attempt's key
    /// are forgotten, and its address is known for this account from now.
    pub fn succeeded(&self, attempt: Attempt, now: Instant) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.failures.remove(&attempt.key);
        state.known.insert(attempt.pair, now);
    }
}

impl State {
    fn prune(&mut self, now: Instant) {
        if self.failures.len() > MAX_ENTRIES {
            self.failures
                .retain(|_, f| now < f.until || now.duration_since(f.last) < QUIET);
        }
        if self.known.len() > MAX_ENTRIES {
            self.known.retain(|_, t| now.duration_since(*t) < KNOWN_FOR);
        }
    }
}

/// The wait after the `n`-th failure past the free ones (from 0).
fn delay(n: u32, max: Duration) -> Duration {
    Duration::from_secs(1u64 << n.min(62)).min(max)
}

/// Seconds for `Retry-After`, rounded up: never "0, try now" too early.
fn whole_secs(d: Duration) -> u64 {
    d.as_millis()
        .div_ceil(1000)
        .try_into()
        .unwrap_or(u64::MAX)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        free: 2,
        max: Duration::from_secs(10),
    };

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn failures_past_the_free_ones_double_the_wait_up_to_the_cap() {
        let d = LoginDelays::default();
        let mut t = Instant::now();
        // Every attempt from another address: they all count.
        let from = |n: u32| ip(&format!("192.0.2.{n}"));
        assert!(d.attempt(from(0), "m@x", POLICY, t).is_ok());
        assert!(d.attempt(from(1), "m@x", POLICY, t).is_ok());
        let mut waits = Vec::new();
        for n in 2..8 {
            let wait = d.attempt(from(n), "m@x", POLICY, t).unwrap_err();
            waits.push(wait);
            t += Duration::from_secs(wait);
            assert!(d.attempt(from(n), "m@x", POLICY, t).is_ok());
        }
        assert_eq!(waits, [1, 2, 4, 8, 10, 10]);
    }

    #[test]
    fn a_known_address_is_not_held_by_the_e_mail_s_delay() {
        let d = LoginDelays::default();
        let t = Instant::now();
        let ok = d.attempt(ip("192.0.2.1"), "m@x", POLICY, t).unwrap();
        d.succeeded(ok, t);
        for n in 0..2 {
            let _ = d.attempt(ip(&format!("198.51.100.{n}")), "m@x", POLICY, t);
        }
        assert!(d.attempt(ip("198.51.100.9"), "m@x", POLICY, t).is_err());
        assert!(d.attempt(ip("192.0.2.1"), "m@x", POLICY, t).is_ok());
        assert!(
            d.attempt(ip("192.0.2.1"), "other@x", POLICY, t).is_ok(),
            "another account is not affected"
        );
    }

    #[test]
    fn a_failure_s_wait_runs_from_when_it_was_found_out() {
        let d = LoginDelays::default();
        let t = Instant::now();
        let _ = d.attempt(None, "m@x", POLICY, t);
        let slow = d.attempt(None, "m@x", POLICY, t).unwrap();
        d.failed(slow, POLICY, t + Duration::from_secs(5));
        assert_eq!(
            d.attempt(None, "m@x", POLICY, t + Duration::from_secs(5))
                .unwrap_err(),
            1
        );
    }

    #[test]
    fn a_quiet_quarter_hour_forgets_the_failures() {
        let d = LoginDelays::default();
        let t = Instant::now();
        for _ in 0..2 {
            let _ = d.attempt(None, "m@x", POLICY, t);
        }
        assert!(d.attempt(None, "m@x", POLICY, t).is_err());
        let later = t + QUIET + Duration::from_secs(1);
        assert!(d.attempt(None, "m@x", POLICY, later).is_ok());
        assert!(
            d.attempt(None, "m@x", POLICY, later).is_ok(),
            "one free again"
        );
    }
}
