//! Open event streams, counted per client address and in all. A stream
//! holds its connection for as long as a page is open, so without a cap
//! one client could open streams until no connection is left for anyone
//! else (#20, item 6). Counted in memory, per instance; the address is
//! never stored.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
};

#[derive(Default)]
struct Open {
    per_ip: HashMap<Option<IpAddr>, u32>,
    total: u32,
}

/// The caps, and the streams open now.
pub struct Streams {
    per_ip: u32,
    total: u32,
    open: Mutex<Open>,
}

/// One open stream; dropping it (the client went, or the server stops)
/// gives its place back.
pub struct Slot {
    streams: Arc<Streams>,
    ip: Option<IpAddr>,
}

impl Streams {
    /// At most `per_ip` streams from one address and `total` in all; 0 is
    /// no cap.
    pub fn new(per_ip: u32, total: u32) -> Arc<Self> {
        Arc::new(Self {
            per_ip,
            total,
            open: Mutex::new(Open::default()),
        })
    }

    /// A place for one more stream from `ip`, or `None` past a cap.
    pub fn open(self: &Arc<Self>, ip: Option<IpAddr>) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let mine = open.per_ip.get(&ip).copied().unwrap_or(0);
        let full = |cap: u32, n: u32| cap != 0 && n >= cap;
        if full(self.per_ip, mine) || full(self.total, open.total) {
            return None;
        }
        open.per_ip.insert(ip, mine + 1);
        open.total += 1;
        Some(Slot {
            streams: self.clone(),
            ip,
        })
    }

    /// Streams open now. (`/metrics` counts them as the events channel's
    /// subscribers.)
    #[cfg(test)]
    fn count(&self) -> u32 {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).total
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.streams.open.lock().unwrap_or_else(|e| e.into_inner());
        open.total = open.total.saturating_sub(1);
        if let Some(n) = open.per_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.per_ip.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Streams;

    #[test]
    fn each_address_and_the_whole_server_get_their_cap_and_a_closed_stream_frees_its_place() {
        let streams = Streams::new(2, 3);
        let (a, b) = (Some([10, 0, 0, 1].into()), Some([10, 0, 0, 2].into()));
        let a1 = streams.open(a).unwrap();
        let _a2 = streams.open(a).unwrap();
        assert!(streams.open(a).is_none(), "a third from one address");
        let _b1 = streams.open(b).unwrap();
        assert!(streams.open(b).is_none(), "a fourth in all");
        drop(a1);
        let _a3 = streams.open(a).expect("the place a1 held");
        assert_eq!(streams.count(), 3);
    }

    #[test]
    fn no_cap_is_zero() {
        let streams = Streams::new(0, 0);
        let open: Vec<_> = (0..100).map(|_| streams.open(None).unwrap()).collect();
        assert_eq!(streams.count(), 100);
        drop(open);
        assert_eq!(streams.count(), 0);
    }
}
