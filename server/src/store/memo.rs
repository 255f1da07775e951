//! In-memory copies of what nearly every request reads and almost nothing
//! writes: the sites with their origins, and today's IP salt. Without them
//! a cached thread read still cost two queries and a post three more.
//!
//! Writes through this store forget the sites at once. Writes this process
//! cannot see (`confab site add` in another process, another instance) are
//! picked up within [`SITES_TTL`], or at once when whoever hears of them
//! calls [`crate::Store::forget_sites`].

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, MutexGuard},
    time::{Duration, Instant},
};

use super::Site;

/// How long a site or the origin list is trusted without asking again.
pub const SITES_TTL: Duration = Duration::from_secs(5);
/// Unknown slugs are not remembered, so this bounds only real sites.
const MAX_SITES: usize = 10_000;

/// Proof of when a load started: a load that raced a write is not stored.
#[derive(Debug, Clone, Copy)]
pub struct Generation(u64);

#[derive(Default)]
pub struct SiteMemo {
    inner: Mutex<Sites>,
}

#[derive(Default)]
struct Sites {
    generation: u64,
    by_slug: HashMap<String, (Instant, Arc<Site>)>,
    origins: Option<(Instant, Arc<HashSet<String>>)>,
}

impl Sites {
    /// The site remembered under `slug`, unless it is older than the TTL.
    fn fresh(&self, slug: &str) -> Option<&Arc<Site>> {
        self.by_slug
            .get(slug)
            .filter(|(at, _)| at.elapsed() < SITES_TTL)
            .map(|(_, site)| site)
    }
}

impl SiteMemo {
    /// The remembered site, or the generation to store a fresh load under.
    pub fn site(&self, slug: &str) -> Result<Site, Generation> {
        let inner = self.lock();
        match inner.fresh(slug) {
            Some(site) => Ok(Site::clone(site)),
            None => Err(Generation(inner.generation)),
        }
    }

    /// The remembered site, shared rather than copied: for the cached-read
    /// fast path, which must not allocate for it.
    pub fn remembered(&self, slug: &str) -> Option<Arc<Site>> {
        self.lock().fresh(slug).cloned()
    }

    pub fn put_site(&self, loaded_at: Generation, site: &Site) {
        let mut inner = self.lock();
        if inner.generation != loaded_at.0 {
            return;
        }
        if inner.by_slug.len() >= MAX_SITES {
            inner.by_slug.clear();
        }
        inner
            .by_slug
            .insert(site.slug.clone(), (Instant::now(), Arc::new(site.clone())));
    }

    /// Every origin of every site, or the generation to store a fresh load under.
    pub fn origins(&self) -> Result<Arc<HashSet<String>>, Generation> {
        let inner = self.lock();
        match &inner.origins {
            Some((at, all)) if at.elapsed() < SITES_TTL => Ok(all.clone()),
            _ => Err(Generation(inner.generation)),
        }
    }

    pub fn put_origins(&self, loaded_at: Generation, all: Arc<HashSet<String>>) {
        let mut inner = self.lock();
        if inner.generation == loaded_at.0 {
            inner.origins = Some((Instant::now(), all));
        }
    }

    /// Forgets everything; the next read asks the database.
    pub fn forget(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.by_slug.clear();
        inner.origins = None;
    }

    fn lock(&self) -> MutexGuard<'_, Sites> {
        // A panic while holding the lock leaves at worst a stale copy, which
        // the TTL ends.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The salt of the latest day asked for. A day's salt never changes once
/// stored (the first insert wins), so this copy cannot go stale.
#[derive(Default)]
pub struct SaltMemo(Mutex<Option<(i64, String)>>);

impl SaltMemo {
    pub fn get(&self, day: i64) -> Option<String> {
        let held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        held.as_ref()
            .filter(|(d, _)| *d == day)
            .map(|(_, s)| s.clone())
    }

    pub fn put(&self, day: i64, salt: &str) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((day, salt.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Moderation;

    fn site(name: &str) -> Site {
        Site {
            id: 1,
            slug: "blog".into(),
            name: name.into(),
            origins: vec![],
            moderation: Moderation::Open,
            settings: serde_json::Value::Null,
        }
    }

    #[test]
    fn a_stored_site_is_served_until_forgotten() {
        let memo = SiteMemo::default();
        let generation = memo.site("blog").unwrap_err();
        memo.put_site(generation, &site("Blog"));
        assert_eq!(memo.site("blog").unwrap().name, "Blog");
        memo.forget();
        assert!(memo.site("blog").is_err());
    }

    #[test]
    fn a_load_that_raced_a_write_is_not_stored() {
        let memo = SiteMemo::default();
        let generation = memo.site("blog").unwrap_err();
        memo.forget();
        memo.put_site(generation, &site("Old name"));
        assert!(memo.site("blog").is_err());
        let generation = memo.origins().unwrap_err();
        memo.forget();
        memo.put_origins(generation, Arc::default());
        assert!(memo.origins().is_err());
    }

    #[test]
    fn the_salt_is_remembered_for_its_day_only() {
        let memo = SaltMemo::default();
        memo.put(100, "a");
        assert_eq!(memo.get(100).as_deref(), Some("a"));
        assert_eq!(memo.get(101), None);
    }
}
