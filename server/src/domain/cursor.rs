//! Opaque pagination cursors. A cursor is the sort key of the last comment
//! shown (top-level, or a reply among its siblings), so a new comment
//! arriving between two pages shifts nothing (an offset would show one
//! comment twice).

use std::cmp::Ordering;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use confab_api::Sort;

/// Where a top-level comment stands in a sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    pub pinned: bool,
    pub score: i64,
    pub created_ms: i64,
    pub id: i64,
}

impl SortKey {
    /// The order readers see: pinned first, then by `sort`, ties by id so the
    /// order is total and a cursor always lands between two comments.
    pub fn cmp_in(&self, other: &Self, sort: Sort) -> Ordering {
        let by_time = (self.created_ms, self.id).cmp(&(other.created_ms, other.id));
        other.pinned.cmp(&self.pinned).then(match sort {
            Sort::Oldest => by_time,
            Sort::Newest => by_time.reverse(),
            Sort::Top => other.score.cmp(&self.score).then(by_time),
        })
    }

    pub fn encode(&self, sort: Sort) -> String {
        let raw = format!(
            "{}.{}.{}.{}.{}",
            sort.as_str(),
            u8::from(self.pinned),
            self.score,
            self.created_ms,
            self.id
        );
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// Reads a cursor made by [`SortKey::encode`] for the same sort order.
    pub fn decode(cursor: &str, sort: Sort) -> Option<Self> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
        let mut parts = raw.split('.');
        if parts.next()? != sort.as_str() {
            return None;
        }
        let pinned = match parts.next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        let key = Self {
            pinned,
            score: parts.next()?.parse().ok()?,
            created_ms: parts.next()?.parse().ok()?,
            id: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(key)
    }
}

/// Where a reply stands among its siblings, which read oldest first
/// whatever the thread's sort: the cursor of a page of replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReplyKey {
    pub created_ms: i64,
    pub id: i64,
}

impl ReplyKey {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("replies.{}.{}", self.created_ms, self.id))
    }

    /// Reads a cursor made by [`ReplyKey::encode`]; a top-level cursor is
    /// not one.
    pub fn decode(cursor: &str) -> Option<Self> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
        let rest = raw.strip_prefix("replies.")?;
        let (created_ms, id) = rest.split_once('.')?;
        Some(Self {
            created_ms: created_ms.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(pinned: bool, score: i64, created_ms: i64, id: i64) -> SortKey {
        SortKey {
            pinned,
            score,
            created_ms,
            id,
        }
    }

    #[test]
    fn a_cursor_round_trips_for_its_own_sort_only() {
        let k = key(true, -3, 1_700_000_000_000, 42);
        let c = k.encode(Sort::Top);
        assert_eq!(SortKey::decode(&c, Sort::Top), Some(k));
        assert_eq!(SortKey::decode(&c, Sort::Oldest), None);
    }

    #[test]
    fn garbage_cursors_decode_to_nothing() {
        for bad in [
            "",
            "!!",
            "b2xkZXN0",
            &URL_SAFE_NO_PAD.encode("oldest.2.0.0.1"),
        ] {
            assert_eq!(SortKey::decode(bad, Sort::Oldest), None, "{bad}");
        }
    }

    #[test]
    fn a_reply_cursor_round_trips_and_is_no_top_level_cursor() {
        let k = ReplyKey {
            created_ms: 1_700_000_000_000,
            id: 42,
        };
        let c = k.encode();
        assert_eq!(ReplyKey::decode(&c), Some(k));
        assert_eq!(SortKey::decode(&c, Sort::Oldest), None);
        let top = key(false, 0, 1, 1).encode(Sort::Oldest);
        assert_eq!(ReplyKey::decode(&top), None);
        assert_eq!(
            ReplyKey::decode(&URL_SAFE_NO_PAD.encode("replies.1.x")),
            None
        );
    }

    #[test]
    fn pinned_comments_come_first_in_every_sort() {
        let pinned = key(true, -5, 9, 9);
        let plain = key(false, 5, 1, 1);
        for sort in [Sort::Oldest, Sort::Newest, Sort::Top] {
            assert_eq!(pinned.cmp_in(&plain, sort), Ordering::Less);
        }
    }

    #[test]
    fn top_sorts_by_score_then_age() {
        let old = key(false, 1, 1, 1);
        let new = key(false, 1, 2, 2);
        let best = key(false, 7, 3, 3);
        assert_eq!(best.cmp_in(&old, Sort::Top), Ordering::Less);
        assert_eq!(old.cmp_in(&new, Sort::Top), Ordering::Less);
        assert_eq!(old.cmp_in(&new, Sort::Newest), Ordering::Greater);
    }
}
