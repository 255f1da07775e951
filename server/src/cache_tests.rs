use super::*;

fn page(k: &str) -> PageId {
    ("s".into(), k.into())
}

fn variant() -> Variant {
    ("json", "oldest", None, 50, None)
}

fn limit(n: usize) -> Variant {
    ("json", "oldest", None, n, None)
}

fn body(s: &str) -> Arc<Encoded> {
    Arc::new(Encoded::plain(s.as_bytes().to_vec()))
}

fn sized(n: usize) -> Arc<Encoded> {
    Arc::new(Encoded::plain(vec![b'x'; n]))
}

/// Reads `page` the way a handler does: a hit, or a miss filled with `fill`.
fn read(cache: &ThreadCache, p: &str, fill: &Arc<Encoded>) -> bool {
    match cache.get(&page(p), &variant()) {
        Ok(_) => true,
        Err(ticket) => {
            cache.put(page(p), variant(), ticket, fill.clone());
            false
        }
    }
}

#[test]
fn a_stored_response_is_served_until_the_page_is_written() {
    let cache = ThreadCache::new(10, 1 << 20);
    let ticket = cache.get(&page("a"), &variant()).unwrap_err();
    let x = body("x");
    cache.put(page("a"), variant(), ticket, x.clone());
    assert_eq!(cache.get(&page("a"), &variant()).unwrap().etag, x.etag);
    cache.invalidate(&page("a"));
    assert!(cache.get(&page("a"), &variant()).is_err());
}

#[test]
fn a_read_that_raced_a_write_is_not_stored() {
    let cache = ThreadCache::new(10, 1 << 20);
    let ticket = cache.get(&page("a"), &variant()).unwrap_err();
    cache.invalidate(&page("a"));
    cache.put(page("a"), variant(), ticket, body("stale"));
    assert!(cache.get(&page("a"), &variant()).is_err());
}

#[test]
fn writes_to_other_pages_do_not_drop_a_page() {
    let cache = ThreadCache::new(10, 1 << 20);
    let ticket = cache.get(&page("a"), &variant()).unwrap_err();
    cache.invalidate(&page("b"));
    cache.put(page("a"), variant(), ticket, body("x"));
    assert!(cache.get(&page("a"), &variant()).is_ok());
}

#[test]
fn a_suspended_cache_serves_nothing_and_resumes_empty() {
    let cache = ThreadCache::new(10, 1 << 20);
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
    assert_eq!(cache.stats().hits, 0);
    assert_eq!(cache.bytes(), 0);
}

#[test]
fn forgetting_old_writes_still_keeps_out_the_reads_that_raced_them() {
    let cache = ThreadCache::new(10, 1 << 20);
    let ticket = cache.get(&page("a"), &variant()).unwrap_err();
    cache.invalidate(&page("a"));
    // Enough writes elsewhere that "a"'s is forgotten.
    for n in 0..=REMEMBERED_WRITES {
        cache.invalidate(&page(&format!("other-{n}")));
    }
    assert!(cache.lock().written.len() <= REMEMBERED_WRITES);
    cache.put(page("a"), variant(), ticket, body("stale"));
    assert!(cache.get(&page("a"), &variant()).is_err());
    // A read that starts now stores as usual.
    let fresh = cache.get(&page("a"), &variant()).unwrap_err();
    cache.put(page("a"), variant(), fresh, body("fresh"));
    assert!(cache.get(&page("a"), &variant()).is_ok());
}

#[test]
fn the_byte_budget_holds_after_every_put_and_evictions_are_counted() {
    let cache = ThreadCache::new(100, 32 * 1024);
    for n in 0..200 {
        let p = format!("p{n}");
        let ticket = cache.get(&page(&p), &variant()).unwrap_err();
        cache.put(page(&p), variant(), ticket, sized(700));
        assert!(cache.bytes() <= 32 * 1024, "after {n}: {}", cache.bytes());
    }
    let stats = cache.stats();
    assert!(stats.bytes > 16 * 1024, "{stats:?}");
    assert!(stats.evictions > 0, "{stats:?}");
}

#[test]
fn a_busy_page_stays_cached_through_a_flood_of_pages_read_once() {
    // About 38 responses fit. The busy page is read once per 60 others, so
    // an LRU would have dropped it before each of its reads.
    let cache = ThreadCache::new(10, 64 * 1024);
    let fill = sized(1500);
    let mut hot_hits = 0;
    for n in 0..6_000 {
        if n % 60 == 0 {
            hot_hits += usize::from(read(&cache, "hot", &fill));
        }
        read(&cache, &format!("once-{n}"), &fill);
        assert!(cache.bytes() <= 64 * 1024);
    }
    assert!(read(&cache, "hot", &fill), "the busy page was pushed out");
    assert!(
        hot_hits > 90,
        "the busy page was cached for {hot_hits} of 100 reads"
    );
}

#[test]
fn a_response_over_a_32nd_of_the_budget_is_not_stored() {
    let cache = ThreadCache::new(10, 32 * 1024);
    let ticket = cache.get(&page("a"), &variant()).unwrap_err();
    cache.put(page("a"), variant(), ticket, sized(1024));
    assert!(cache.get(&page("a"), &variant()).is_err());
    assert_eq!(cache.bytes(), 0);
}

#[test]
fn storing_over_a_variant_and_invalidating_keeps_the_count_true() {
    let cache = ThreadCache::new(10, 1 << 20);
    for _ in 0..500 {
        let ticket = cache.get(&page("a"), &variant()).unwrap_err();
        cache.put(page("a"), variant(), ticket, sized(100));
        // "b" is never written, so any ticket is current: it is stored
        // over itself each time.
        cache.put(page("b"), variant(), Ticket(0), sized(100));
        cache.put(page("b"), limit(10), Ticket(0), sized(100));
        cache.invalidate(&page("a"));
    }
    let one = weight(&page("b"), &variant(), &sized(100));
    assert_eq!(cache.bytes(), 2 * one);
}

#[test]
fn a_page_with_too_many_variants_starts_over() {
    let cache = ThreadCache::new(3, 1 << 20);
    for n in 1..=4 {
        cache.put(page("a"), limit(n), Ticket(0), sized(10));
    }
    assert!(cache.get(&page("a"), &limit(1)).is_err());
    assert!(cache.get(&page("a"), &limit(4)).is_ok());
    assert_eq!(cache.bytes(), weight(&page("a"), &limit(4), &sized(10)));
}

#[test]
fn only_the_page_size_and_a_few_round_limits_are_cached() {
    assert!(caches_limit(50, 50) && caches_limit(37, 37) && caches_limit(100, 50));
    assert!(!caches_limit(137, 50) && !caches_limit(51, 50));
}
