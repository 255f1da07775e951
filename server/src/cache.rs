//! The thread cache: serialized thread responses per page and variant (sort,
//! cursor, limit). Every write to a page drops that page's entries. A read
//! that raced a write must not store what it read, so reads take a ticket
//! before querying and a put only lands if no invalidation came after it.
//! While another instance's invalidations may be missed (the notification
//! connection is down) the cache is suspended: every read goes to the
//! database, and resuming starts from an empty cache.

use std::{
    collections::HashMap,
    sync::atomic::{AtomicU64, Ordering},
    sync::{Arc, Mutex},
};

use bytes::Bytes;

/// `(site slug, page key)`.
pub type PageId = (String, String);

/// What varies between responses for one page: `(sort, cursor, limit)`.
pub type Variant = (&'static str, Option<String>, usize);

#[derive(Debug)]
pub struct Cached {
    pub body: Bytes,
    pub etag: String,
}

/// Proof of when a read started; see [`ThreadCache::put`].
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

pub struct ThreadCache {
    inner: Mutex<Inner>,
    max_pages: usize,
    max_variants: usize,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Inner {
    /// Serving from (and filling) the cache is off.
    suspended: bool,
    /// Counts invalidations; a ticket is a reading of it.
    clock: u64,
    /// Invalidations at or before this were forgotten when the map was
    /// trimmed, so a page without an entry counts as invalidated here.
    floor: u64,
    pages: HashMap<PageId, Entry>,
}

struct Entry {
    invalidated_at: u64,
    variants: HashMap<Variant, Arc<Cached>>,
}

impl ThreadCache {
    pub fn new(max_pages: usize, max_variants: usize) -> Self {
        Self {
            inner: Mutex::default(),
            max_pages,
            max_variants,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The cached response, or a ticket to store a fresh one with.
    pub fn get(&self, page: &PageId, variant: &Variant) -> Result<Arc<Cached>, Ticket> {
        let inner = self.lock();
        let hit = (!inner.suspended)
            .then(|| inner.pages.get(page).and_then(|e| e.variants.get(variant)))
            .flatten();
        match hit {
            Some(hit) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                Ok(hit.clone())
            }
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                Err(Ticket(inner.clock))
            }
        }
    }

    /// `(hits, misses)` since start; a suspended cache only misses.
    pub fn stats(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Stops serving and storing: invalidations may be getting lost.
    pub fn suspend(&self) {
        self.lock().suspended = true;
    }

    /// Forgets everything and serves again. Reads that started before this
    /// cannot store what they read, since it may predate a lost invalidation.
    pub fn resume(&self) {
        let mut inner = self.lock();
        inner.clock += 1;
        inner.floor = inner.clock;
        inner.pages.clear();
        inner.suspended = false;
    }

    pub fn is_suspended(&self) -> bool {
        self.lock().suspended
    }

    /// Stores `cached` unless the page was written since `ticket` was taken.
    pub fn put(&self, page: PageId, variant: Variant, ticket: Ticket, cached: Arc<Cached>) {
        let mut inner = self.lock();
        if inner.suspended {
            return;
        }
        let invalidated_at = inner
            .pages
            .get(&page)
            .map_or(inner.floor, |e| e.invalidated_at);
        if invalidated_at > ticket.0 {
            return;
        }
        if inner.pages.len() >= self.max_pages && !inner.pages.contains_key(&page) {
            // Crude but bounded: random page keys must not grow memory.
            inner.floor = inner.clock;
            inner.pages.clear();
        }
        let floor = inner.floor;
        let entry = inner.pages.entry(page).or_insert_with(|| Entry {
            invalidated_at: floor,
            variants: HashMap::new(),
        });
        if entry.variants.len() >= self.max_variants {
            entry.variants.clear();
        }
        entry.variants.insert(variant, cached);
    }

    /// Forgets every response for `page`; call after any write to it.
    pub fn invalidate(&self, page: &PageId) {
        let mut inner = self.lock();
        inner.clock += 1;
        let clock = inner.clock;
        if let Some(entry) = inner.pages.get_mut(page) {
            entry.invalidated_at = clock;
            entry.variants.clear();
        } else if inner.pages.len() < self.max_pages {
            inner.pages.insert(
                page.clone(),
                Entry {
                    invalidated_at: clock,
                    variants: HashMap::new(),
                },
            );
        } else {
            // No room to remember this page: raising the floor turns away
            // every racing read of an uncached page, which costs cache
            // fills, not memory.
            inner.floor = clock;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves only a stale cache behind.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(k: &str) -> PageId {
        ("s".into(), k.into())
    }

    fn variant() -> Variant {
        ("oldest", None, 50)
    }

    fn body(s: &'static str) -> Arc<Cached> {
        Arc::new(Cached {
            body: Bytes::from_static(s.as_bytes()),
            etag: s.into(),
        })
    }

    #[test]
    fn a_stored_response_is_served_until_the_page_is_written() {
        let cache = ThreadCache::new(10, 10);
        let ticket = cache.get(&page("a"), &variant()).unwrap_err();
        cache.put(page("a"), variant(), ticket, body("x"));
        assert_eq!(cache.get(&page("a"), &variant()).unwrap().etag, "x");
        cache.invalidate(&page("a"));
        assert!(cache.get(&page("a"), &variant()).is_err());
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_stored() {
        let cache = ThreadCache::new(10, 10);
        let ticket = cache.get(&page("a"), &variant()).unwrap_err();
        cache.invalidate(&page("a"));
        cache.put(page("a"), variant(), ticket, body("stale"));
        assert!(cache.get(&page("a"), &variant()).is_err());
    }

    #[test]
    fn writes_to_other_pages_do_not_drop_a_page() {
        let cache = ThreadCache::new(10, 10);
        let ticket = cache.get(&page("a"), &variant()).unwrap_err();
        cache.invalidate(&page("b"));
        cache.put(page("a"), variant(), ticket, body("x"));
        assert!(cache.get(&page("a"), &variant()).is_ok());
    }

    #[test]
    fn a_suspended_cache_serves_nothing_and_resumes_empty() {
        let cache = ThreadCache::new(10, 10);
        let ticket = cache.get(&page("a"), &variant()).unwrap_err();
        cache.put(page("a"), variant(), ticket, body("x"));
        cache.suspend();
        let during = cache.get(&page("a"), &variant()).unwrap_err();
        cache.put(page("a"), variant(), during, body("y"));
        cache.resume();
        // Neither the old entry nor a read taken while suspended survive.
        assert!(cache.get(&page("a"), &variant()).is_err());
        cache.put(page("a"), variant(), during, body("y"));
        assert!(cache.get(&page("a"), &variant()).is_err());
        assert_eq!(cache.stats().0, 0);
    }

    #[test]
    fn trimming_a_full_cache_forgets_nothing_it_should_not() {
        let cache = ThreadCache::new(1, 10);
        let ticket = cache.get(&page("a"), &variant()).unwrap_err();
        cache.invalidate(&page("a"));
        let other = cache.get(&page("b"), &variant()).unwrap_err();
        cache.put(page("b"), variant(), other, body("b"));
        // "a"'s invalidation was trimmed away, yet its stale read stays out.
        cache.put(page("a"), variant(), ticket, body("stale"));
        assert!(cache.get(&page("a"), &variant()).is_err());
    }
}
