//! In-memory rate limits: a sliding window of recent event times per key.
//! Each instance counts alone, so with N instances behind a balancer the
//! effective limit is up to N times the configured one.

use std::{
    collections::VecDeque,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use dashmap::DashMap;

pub struct RateLimiter {
    window: Duration,
    hits: DashMap<String, VecDeque<Instant>>,
    /// Makes "check, then count" one step for [`Self::hit_all`]: without it
    /// a flood of concurrent requests all pass the check before any counts.
    counting: Mutex<()>,
}

impl RateLimiter {
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            hits: DashMap::new(),
            counting: Mutex::new(()),
        }
    }

    /// Whether `key` is still under `limit` events in the window; `Err`
    /// carries the seconds until it will be. A limit of 0 is no limit.
    pub fn check(&self, key: &str, limit: u32, now: Instant) -> Result<(), u64> {
        if limit == 0 {
            return Ok(());
        }
        let mut times = self.hits.entry(key.to_owned()).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() < limit as usize {
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        let wait = self.window.saturating_sub(now.duration_since(oldest));
        Err(wait.as_secs().max(1))
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: &str, now: Instant) {
        self.hits.entry(key.to_owned()).or_default().push_back(now);
        // Bounded memory: drop keys with nothing recent now and then.
        if self.hits.len() > 100_000 {
            self.hits.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
    }

    /// Checks several `(key, limit)` pairs; all must pass, or the first
    /// that does not says how long to wait. Counts nothing.
    pub fn check_all(&self, keys: &[(&str, u32)], now: Instant) -> Result<(), u64> {
        keys.iter()
            .try_for_each(|(key, limit)| self.check(key, *limit, now))
    }

    /// Counts one event for each key whose limit is on.
    pub fn record_all(&self, keys: &[(&str, u32)], now: Instant) {
        for (key, limit) in keys {
            if *limit > 0 {
                self.record(key, now);
            }
        }
    }

    /// Checks and, when allowed, counts in one step.
    pub fn hit(&self, key: &str, limit: u32, now: Instant) -> Result<(), u64> {
        self.hit_all(&[(key, limit)], now)
    }

    /// Checks every `(key, limit)` and, only when all pass, counts one event
    /// for each, atomically with respect to other callers of `hit*`.
    pub fn hit_all(&self, keys: &[(&str, u32)], now: Instant) -> Result<(), u64> {
        let _one_at_a_time = self.counting.lock().unwrap_or_else(PoisonError::into_inner);
        self.check_all(keys, now)?;
        self.record_all(keys, now);
        Ok(())
    }

    /// Takes back the latest event of `key`, e.g. a login attempt counted
    /// as a failure that turned out to succeed.
    pub fn uncount(&self, key: &str) {
        if let Some(mut times) = self.hits.get_mut(key) {
            times.pop_back();
        }
    }

    /// Forgets `key`, e.g. after a successful login.
    pub fn clear(&self, key: &str) {
        self.hits.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_holds_within_the_window_and_lifts_after_it() {
        let rl = RateLimiter::new(Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(rl.hit("k", 2, t0).is_ok());
        assert!(rl.hit("k", 2, t0 + Duration::from_secs(10)).is_ok());
        assert_eq!(rl.hit("k", 2, t0 + Duration::from_secs(20)), Err(40));
        assert!(rl.hit("other", 2, t0).is_ok(), "keys are separate");
        assert!(rl.hit("k", 2, t0 + Duration::from_secs(60)).is_ok());
    }

    #[test]
    fn concurrent_hits_never_count_past_the_limit() {
        let rl = std::sync::Arc::new(RateLimiter::new(Duration::from_secs(60)));
        let t0 = Instant::now();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let rl = rl.clone();
                std::thread::spawn(move || {
                    (0..1000)
                        .filter(|_| rl.hit_all(&[("ip", 5), ("page", 50)], t0).is_ok())
                        .count()
                })
            })
            .collect();
        let passed: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(passed, 5);
    }

    #[test]
    fn zero_means_no_limit() {
        let rl = RateLimiter::new(Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..1000 {
            assert!(rl.hit("k", 0, t0).is_ok());
        }
    }
}
