//! The thread cache: serialized thread responses per page and variant (sort,
//! cursor, limit, parent). Every write to a page drops that page's entries. A read
//! that raced a write must not store what it read, so reads take a ticket
//! before querying and a put only lands if no invalidation came after it.
//! While another instance's invalidations may be missed (the notification
//! connection is down) the cache is suspended: every read goes to the
//! database, and resuming starts from an empty cache.
//!
//! Memory is bounded by bytes, not entries: the bodies held are weighed and
//! the oldest stored go first past the budget, a body over a 32nd of the
//! budget is not stored, and only a few `limit`s are cached at all (see
//! [`caches_limit`]), since each other one would be a new copy of the page.
//! Hand-written rather than moka's weigher: the ticket check, the
//! per-page invalidation and the byte count must change under one lock.

use std::{
    collections::{HashMap, VecDeque},
    sync::atomic::{AtomicU64, Ordering},
    sync::{Arc, Mutex},
};

use bytes::Bytes;

/// `(site slug, page key)`.
pub type PageId = (String, String);

/// What varies between responses for one page: `(sort, cursor, limit,
/// parent)`, the parent's replies being a variant of the page too.
pub type Variant = (&'static str, Option<String>, usize, Option<i64>);

/// The `limit`s cached besides the configured page size: what a client
/// asking for a round number would send. Other limits are served uncached.
const CACHED_LIMITS: [usize; 4] = [10, 20, 50, 100];

/// Whether responses for `limit` top-level comments are cached.
pub fn caches_limit(limit: usize, page_size: usize) -> bool {
    limit == page_size || CACHED_LIMITS.contains(&limit)
}

/// What one stored response costs besides its bytes: its map slot, the
/// `Arc`, and the copy of its key in the eviction queue.
const ENTRY_OVERHEAD: usize = 160;

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
    max_bytes: usize,
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
    /// The weight of every stored response.
    bytes: usize,
    /// Stored responses, counted to know when `order` is mostly stale.
    stored: usize,
    /// Numbers the puts, so that `order` can tell a live entry from one
    /// that was dropped and stored again since.
    puts: u64,
    /// Stored responses, oldest first: the eviction order.
    order: VecDeque<(u64, PageId, Variant)>,
}

struct Entry {
    invalidated_at: u64,
    variants: HashMap<Variant, Slot>,
}

struct Slot {
    cached: Arc<Cached>,
    put: u64,
    weight: usize,
}

impl ThreadCache {
    pub fn new(max_pages: usize, max_variants: usize, max_bytes: usize) -> Self {
        Self {
            inner: Mutex::default(),
            max_pages,
            max_variants,
            max_bytes,
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
                Ok(hit.cached.clone())
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

    /// The weight of what is stored now: its bytes and their bookkeeping.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
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
        inner.forget_all();
        inner.suspended = false;
    }

    pub fn is_suspended(&self) -> bool {
        self.lock().suspended
    }

    /// Stores `cached` unless the page was written since `ticket` was taken,
    /// or it is too big to be worth its share of the budget.
    pub fn put(&self, page: PageId, variant: Variant, ticket: Ticket, cached: Arc<Cached>) {
        let weight = weight(&page, &variant, &cached);
        let mut inner = self.lock();
        if inner.suspended || weight > self.max_bytes / 32 {
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
            inner.forget_all();
        }
        inner.puts += 1;
        let put = inner.puts;
        let floor = inner.floor;
        let inner = &mut *inner;
        let entry = inner.pages.entry(page.clone()).or_insert_with(|| Entry {
            invalidated_at: floor,
            variants: HashMap::new(),
        });
        let (mut freed, mut dropped) = (0, 0);
        if entry.variants.len() >= self.max_variants {
            (freed, dropped) = entry.clear();
        }
        let slot = Slot {
            cached,
            put,
            weight,
        };
        if let Some(old) = entry.variants.insert(variant.clone(), slot) {
            (freed, dropped) = (freed + old.weight, dropped + 1);
        }
        inner.bytes = inner.bytes + weight - freed;
        inner.stored = inner.stored + 1 - dropped;
        inner.order.push_back((put, page, variant));
        inner.evict_down_to(self.max_bytes);
    }

    /// Forgets every response for `page`; call after any write to it.
    pub fn invalidate(&self, page: &PageId) {
        let mut inner = self.lock();
        inner.clock += 1;
        let clock = inner.clock;
        if let Some(entry) = inner.pages.get_mut(page) {
            entry.invalidated_at = clock;
            let (freed, dropped) = entry.clear();
            inner.bytes -= freed;
            inner.stored -= dropped;
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

/// What storing `cached` costs: the body, the ETag and the key (twice: the
/// map's and the eviction queue's), plus the bookkeeping.
fn weight(page: &PageId, variant: &Variant, cached: &Cached) -> usize {
    let key = page.0.len() + page.1.len() + variant.1.as_ref().map_or(0, String::len);
    cached.body.len() + cached.etag.len() + 2 * key + ENTRY_OVERHEAD
}

impl Entry {
    /// Drops every variant: `(bytes freed, responses dropped)`.
    fn clear(&mut self) -> (usize, usize) {
        let freed = self.variants.values().map(|s| s.weight).sum();
        let dropped = self.variants.len();
        self.variants.clear();
        (freed, dropped)
    }
}

impl Inner {
    fn forget_all(&mut self) {
        self.pages.clear();
        self.order.clear();
        (self.bytes, self.stored) = (0, 0);
    }

    /// Drops the oldest stored responses until at most `max` bytes remain,
    /// and sheds the queue's stale keys once they outnumber the live ones.
    fn evict_down_to(&mut self, max: usize) {
        while self.bytes > max {
            let Some((put, page, variant)) = self.order.pop_front() else {
                break;
            };
            let Some(entry) = self.pages.get_mut(&page) else {
                continue;
            };
            if entry.variants.get(&variant).is_some_and(|s| s.put == put) {
                if let Some(slot) = entry.variants.remove(&variant) {
                    self.bytes -= slot.weight;
                    self.stored -= 1;
                }
            }
        }
        if self.order.len() > 2 * self.stored + 64 {
            let pages = &self.pages;
            self.order.retain(|(put, page, variant)| {
                pages
                    .get(page)
                    .and_then(|e| e.variants.get(variant))
                    .is_some_and(|s| s.put == *put)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(k: &str) -> PageId {
        ("s".into(), k.into())
    }

    fn variant() -> Variant {
        ("oldest", None, 50, None)
    }

    fn body(s: &'static str) -> Arc<Cached> {
        Arc::new(Cached {
            body: Bytes::from_static(s.as_bytes()),
            etag: s.into(),
        })
    }

    #[test]
    fn a_stored_response_is_served_until_the_page_is_written() {
        let cache = ThreadCache::new(10, 10, 1 << 20);
        let ticket = cache.get(&page("a"), &variant()).unwrap_err();
        cache.put(page("a"), variant(), ticket, body("x"));
        assert_eq!(cache.get(&page("a"), &variant()).unwrap().etag, "x");
        cache.invalidate(&page("a"));
        assert!(cache.get(&page("a"), &variant()).is_err());
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_stored() {
        let cache = ThreadCache::new(10, 10, 1 << 20);
        let ticket = cache.get(&page("a"), &variant()).unwrap_err();
        cache.invalidate(&page("a"));
        cache.put(page("a"), variant(), ticket, body("stale"));
        assert!(cache.get(&page("a"), &variant()).is_err());
    }

    #[test]
    fn writes_to_other_pages_do_not_drop_a_page() {
        let cache = ThreadCache::new(10, 10, 1 << 20);
        let ticket = cache.get(&page("a"), &variant()).unwrap_err();
        cache.invalidate(&page("b"));
        cache.put(page("a"), variant(), ticket, body("x"));
        assert!(cache.get(&page("a"), &variant()).is_ok());
    }

    #[test]
    fn a_suspended_cache_serves_nothing_and_resumes_empty() {
        let cache = ThreadCache::new(10, 10, 1 << 20);
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
        let cache = ThreadCache::new(1, 10, 1 << 20);
        let ticket = cache.get(&page("a"), &variant()).unwrap_err();
        cache.invalidate(&page("a"));
        let other = cache.get(&page("b"), &variant()).unwrap_err();
        cache.put(page("b"), variant(), other, body("b"));
        // "a"'s invalidation was trimmed away, yet its stale read stays out.
        cache.put(page("a"), variant(), ticket, body("stale"));
        assert!(cache.get(&page("a"), &variant()).is_err());
    }

    fn sized(n: usize) -> Arc<Cached> {
        Arc::new(Cached {
            body: Bytes::from(vec![b'x'; n]),
            etag: "e".into(),
        })
    }

    fn limit(n: usize) -> Variant {
        ("oldest", None, n, None)
    }

    #[test]
    fn the_oldest_responses_go_first_once_the_byte_budget_is_spent() {
        let cache = ThreadCache::new(100, 100, 32 * 1024);
        for n in 0..40 {
            let ticket = cache.get(&page("a"), &limit(n)).unwrap_err();
            cache.put(page("a"), limit(n), ticket, sized(700));
            assert!(cache.bytes() <= 32 * 1024, "after {n}: {}", cache.bytes());
        }
        assert!(cache.get(&page("a"), &limit(0)).is_err());
        assert!(cache.get(&page("a"), &limit(39)).is_ok());
        assert!(cache.bytes() > 16 * 1024, "{}", cache.bytes());
    }

    #[test]
    fn a_response_over_a_32nd_of_the_budget_is_not_stored() {
        let cache = ThreadCache::new(10, 10, 32 * 1024);
        let ticket = cache.get(&page("a"), &variant()).unwrap_err();
        cache.put(page("a"), variant(), ticket, sized(1024));
        assert!(cache.get(&page("a"), &variant()).is_err());
        assert_eq!(cache.bytes(), 0);
    }

    #[test]
    fn invalidating_and_storing_again_keeps_the_count_true() {
        let cache = ThreadCache::new(10, 10, 1 << 20);
        for _ in 0..500 {
            let ticket = cache.get(&page("a"), &variant()).unwrap_err();
            cache.put(page("a"), variant(), ticket, sized(100));
            // "b" is never written, so any ticket is current: it is stored
            // over itself each time.
            cache.put(page("b"), variant(), Ticket(0), sized(100));
            cache.invalidate(&page("a"));
        }
        let one = weight(&page("b"), &variant(), &sized(100));
        assert_eq!(cache.bytes(), one);
        // Stale keys in the queue are shed, not kept for every put.
        assert!(cache.lock().order.len() < 100);
    }

    #[test]
    fn only_the_page_size_and_a_few_round_limits_are_cached() {
        assert!(caches_limit(50, 50) && caches_limit(37, 37) && caches_limit(100, 50));
        assert!(!caches_limit(137, 50) && !caches_limit(51, 50));
    }
}
