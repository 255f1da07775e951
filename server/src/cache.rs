//! The thread cache: encoded thread responses per page and variant (sort,
//! cursor, limit, parent). Every write to a page drops that page's entries. A read
//! that raced a write must not store what it read, so reads take a ticket
//! before querying and a put only lands if no invalidation came after it.
//! While another instance's invalidations may be missed (the notification
//! connection is down) the cache is suspended: every read goes to the
//! database, and resuming starts from an empty cache.
//!
//! Memory is bounded by bytes: moka weighs each page by the bodies it holds
//! (every coding of each) and evicts past `limits.thread_cache_bytes`, with
//! an admission policy that keeps a busy page over a flood of rarely read
//! ones. A body over a 32nd of the budget is not stored, only a few
//! `limit`s are cached (see [`caches_limit`]), and pages that do not exist
//! are never stored at all: the caller answers them without the cache.
//!
//! moka holds the entries; the ticket check lives here, under one lock
//! that puts and invalidations share (reads take no lock).

use std::{
    collections::HashMap,
    sync::atomic::{AtomicBool, AtomicU64, Ordering},
    sync::{Arc, Mutex, MutexGuard},
};

use moka::{notification::RemovalCause, sync::Cache};

pub use crate::encoded::Encoded;

/// `(site slug, page key)`.
pub type PageId = (String, String);

/// What varies between responses for one page: `(form, sort, cursor,
/// limit, parent)`, where the form is `json`, `atom`, or the language of
/// the HTML thread (whose "sort" says which view of it: the reader's, or
/// the widget's stand-in); a parent's replies are a variant of their page.
pub type Variant = (
    &'static str,
    &'static str,
    Option<String>,
    usize,
    Option<i64>,
);

/// The `limit`s cached besides the configured page size: what a client
/// asking for a round number would send. Other limits are served uncached.
const CACHED_LIMITS: [usize; 4] = [10, 20, 50, 100];

/// Whether responses for `limit` top-level comments are cached.
pub fn caches_limit(limit: usize, page_size: usize) -> bool {
    limit == page_size || CACHED_LIMITS.contains(&limit)
}

/// What one stored response costs besides its bytes: its map slot, the
/// `Arc`s, and moka's bookkeeping for the page.
const ENTRY_OVERHEAD: usize = 160;

/// Recent invalidations remembered per page, past which they are forgotten
/// wholesale (see `Clock::floor`). Only writes add to it.
const REMEMBERED_WRITES: usize = 10_000;

/// Proof of when a read started; see [`ThreadCache::put`].
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

/// The stored responses of one page. Replaced, never changed in place, so a
/// reader holding one needs no lock.
#[derive(Default)]
struct Page {
    variants: HashMap<Variant, Arc<Encoded>>,
    weight: usize,
}

#[derive(Default)]
struct Clock {
    /// Invalidations at or before this were forgotten, so a page not in
    /// `written` counts as invalidated here.
    floor: u64,
    /// When each recently written page was last invalidated.
    written: HashMap<PageId, u64>,
}

pub struct ThreadCache {
    pages: Cache<PageId, Arc<Page>>,
    /// Counts invalidations; a ticket is a reading of it. Raised only with
    /// `clock` locked.
    now: AtomicU64,
    clock: Mutex<Clock>,
    /// Serving from (and filling) the cache is off.
    suspended: AtomicBool,
    max_variants: usize,
    max_bytes: usize,
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: Arc<AtomicU64>,
}

/// Counters since start; a suspended cache only misses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub hits: u64,
    pub misses: u64,
    /// Responses dropped to stay within the byte budget.
    pub evictions: u64,
    /// What is stored now, bookkeeping included.
    pub bytes: u64,
}

impl ThreadCache {
    pub fn new(max_variants: usize, max_bytes: usize) -> Self {
        let evictions = Arc::new(AtomicU64::new(0));
        let counted = evictions.clone();
        let pages = Cache::builder()
            .max_capacity(max_bytes as u64)
            .weigher(|_, page: &Arc<Page>| u32::try_from(page.weight).unwrap_or(u32::MAX))
            .eviction_listener(move |_, page: Arc<Page>, cause| {
                if cause == RemovalCause::Size {
                    counted.fetch_add(page.variants.len() as u64, Ordering::Relaxed);
                }
            })
            .build();
        Self {
            pages,
            now: AtomicU64::new(0),
            clock: Mutex::default(),
            suspended: AtomicBool::new(false),
            max_variants,
            max_bytes,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            evictions,
        }
    }

    /// The cached response, or a ticket to store a fresh one with.
    pub fn get(&self, page: &PageId, variant: &Variant) -> Result<Arc<Encoded>, Ticket> {
        // The ticket is read first: a write landing after it is caught by
        // `put`, one landing before it is in what the caller will read.
        let ticket = Ticket(self.now.load(Ordering::Acquire));
        match self.lookup(page, variant) {
            Some(hit) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                Ok(hit)
            }
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                Err(ticket)
            }
        }
    }

    /// The cached response, if there is one, counted as a hit; a miss is
    /// not counted, since the caller then asks [`Self::get`].
    pub fn peek(&self, page: &PageId, variant: &Variant) -> Option<Arc<Encoded>> {
        let hit = self.lookup(page, variant)?;
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(hit)
    }

    /// What is stored for `variant` of `page`, none while suspended.
    fn lookup(&self, page: &PageId, variant: &Variant) -> Option<Arc<Encoded>> {
        if self.suspended.load(Ordering::Acquire) {
            return None;
        }
        self.pages
            .get(page)
            .and_then(|p| p.variants.get(variant).cloned())
    }

    pub fn stats(&self) -> Stats {
        Stats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
            bytes: self.bytes() as u64,
        }
    }

    /// The weight of what is stored now: its bytes and their bookkeeping.
    pub fn bytes(&self) -> usize {
        self.pages.run_pending_tasks();
        usize::try_from(self.pages.weighted_size()).unwrap_or(usize::MAX)
    }

    /// Stops serving and storing: invalidations may be getting lost.
    pub fn suspend(&self) {
        self.suspended.store(true, Ordering::Release);
    }

    /// Forgets everything and serves again. Reads that started before this
    /// cannot store what they read, since it may predate a lost invalidation.
    pub fn resume(&self) {
        let mut clock = self.lock();
        let now = self.tick();
        clock.floor = now;
        clock.written.clear();
        self.pages.invalidate_all();
        self.pages.run_pending_tasks();
        self.suspended.store(false, Ordering::Release);
    }

    pub fn is_suspended(&self) -> bool {
        self.suspended.load(Ordering::Acquire)
    }

    /// Stores `cached` unless the page was written since `ticket` was taken,
    /// or it is too big to be worth its share of the budget.
    pub fn put(&self, page: PageId, variant: Variant, ticket: Ticket, cached: Arc<Encoded>) {
        let weight = weight(&page, &variant, &cached);
        if weight > self.max_bytes / 32 {
            return;
        }
        {
            let clock = self.lock();
            let written = clock.written.get(&page).copied().unwrap_or(clock.floor);
            if self.is_suspended() || written > ticket.0 {
                return;
            }
            let mut next = Page::default();
            if let Some(old) = self.pages.get(&page) {
                // A page with too many variants starts over rather than grow.
                if old.variants.len() < self.max_variants {
                    next.variants = old.variants.clone();
                    next.variants.remove(&variant);
                    next.weight = old.weight - old.weight_of(&page, &variant);
                }
            }
            next.variants.insert(variant, cached);
            next.weight += weight;
            self.pages.insert(page, Arc::new(next));
        }
        // Evict now, so the budget holds after every put rather than at
        // moka's next housekeeping.
        self.pages.run_pending_tasks();
    }

    /// Forgets every response for `page`; call after any write to it.
    pub fn invalidate(&self, page: &PageId) {
        let mut clock = self.lock();
        let now = self.tick();
        if clock.written.len() >= REMEMBERED_WRITES && !clock.written.contains_key(page) {
            // Raising the floor turns away every racing read of a page not
            // remembered, which costs cache fills, not memory.
            clock.floor = now;
            clock.written.clear();
        } else {
            clock.written.insert(page.clone(), now);
        }
        self.pages.invalidate(page);
    }

    /// Raises the invalidation clock; callers hold `clock`.
    fn tick(&self) -> u64 {
        self.now.fetch_add(1, Ordering::AcqRel) + 1
    }

    fn lock(&self) -> MutexGuard<'_, Clock> {
        // A panic while holding the lock leaves only a stale clock behind,
        // which can refuse fills but never let a stale one in.
        self.clock.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Page {
    fn weight_of(&self, page: &PageId, variant: &Variant) -> usize {
        self.variants
            .get(variant)
            .map_or(0, |c| weight(page, variant, c))
    }
}

/// What storing `cached` costs: every coding of the body, the ETag and the
/// key, plus the bookkeeping.
fn weight(page: &PageId, variant: &Variant, cached: &Encoded) -> usize {
    let key = page.0.len() + page.1.len() + variant.2.as_ref().map_or(0, String::len);
    cached.held() + key + ENTRY_OVERHEAD
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
