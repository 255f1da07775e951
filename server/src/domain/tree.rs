//! Flat comment rows to the nested thread readers see, one page of top-level
//! comments at a time.

use std::collections::HashMap;

use confab_api::{Comment, CommentStatus, Sort};

use super::cursor::{ReplyKey, SortKey};

/// A comment as loaded, before nesting: the wire shape plus the raw time the
/// sort needs.
#[derive(Debug, Clone)]
pub struct Flat {
    pub comment: Comment,
    pub created_ms: i64,
}

impl Flat {
    fn key(&self) -> SortKey {
        SortKey {
            pinned: self.comment.pinned,
            score: self.comment.score,
            created_ms: self.created_ms,
            id: self.comment.id,
        }
    }
}

/// Which comments one response holds.
#[derive(Debug, Clone, Copy)]
pub enum Slice {
    /// Top-level comments in `sort` order, after the one at `after`.
    Top { sort: Sort, after: Option<SortKey> },
    /// The replies of comment `parent` after the one at `after`.
    Replies {
        parent: i64,
        after: Option<ReplyKey>,
    },
}

#[derive(Debug, PartialEq)]
pub struct Page {
    pub comments: Vec<Comment>,
    /// Visible (approved) comments on the whole page, replies included.
    pub total: i64,
    /// The cursor of the comments after these, when more follow.
    pub next: Option<String>,
}

/// Nests `rows`, then returns the `slice` asked for, at most `limit`
/// comments. Replies are always oldest first: they read as a conversation.
/// Every comment shown carries at most its first `nested` replies, at every
/// depth, and counts the rest, so one comment with thousands of replies
/// costs a reader a few of them until they ask for more. A deleted comment
/// stays as a placeholder only while it has visible replies; anything else
/// not approved is left out with its replies. `None` when the parent of
/// [`Slice::Replies`] is not shown.
pub fn build(mut rows: Vec<Flat>, slice: Slice, limit: usize, nested: usize) -> Option<Page> {
    cap_nesting(&mut rows);
    let total = rows
        .iter()
        .filter(|r| r.comment.status == CommentStatus::Approved)
        .count() as i64;
    let created: HashMap<i64, i64> = rows.iter().map(|r| (r.comment.id, r.created_ms)).collect();
    let mut children: HashMap<Option<i64>, Vec<Flat>> = HashMap::new();
    for row in rows {
        children.entry(row.comment.parent).or_default().push(row);
    }
    let roots = children.remove(&None).unwrap_or_default();
    let mut roots: Vec<(SortKey, Comment)> = roots
        .into_iter()
        .filter_map(|row| {
            let key = row.key();
            nest(row, &mut children).map(|c| (key, c))
        })
        .collect();
    let (mut comments, next) = match slice {
        Slice::Top { sort, after } => {
            roots.sort_by(|a, b| a.0.cmp_in(&b.0, sort));
            let seen = |k: &SortKey| after.is_some_and(|a| k.cmp_in(&a, sort).is_le());
            let (shown, next) = after_seen(roots, seen, limit);
            (shown, next.map(|k| k.encode(sort)))
        }
        Slice::Replies { parent, after } => {
            let replies = roots.into_iter().find_map(|(_, c)| replies_of(c, parent))?;
            let keyed = replies.into_iter().map(|c| (reply_key(&c, &created), c));
            let seen = |k: &ReplyKey| after.is_some_and(|a| *k <= a);
            let (shown, next) = after_seen(keyed.collect(), seen, limit);
            (shown, next.map(|k| k.encode()))
        }
    };
    for c in &mut comments {
        trim(c, nested, &created);
    }
    Some(Page {
        comments,
        total,
        next,
    })
}

/// The first `limit` of `items` past those already `seen`, and the key of
/// the last one shown when more follow.
fn after_seen<K: Copy>(
    items: Vec<(K, Comment)>,
    seen: impl Fn(&K) -> bool,
    limit: usize,
) -> (Vec<Comment>, Option<K>) {
    let mut rest = items.into_iter().skip_while(|(k, _)| seen(k)).peekable();
    let shown: Vec<(K, Comment)> = rest.by_ref().take(limit).collect();
    let next = rest.peek().and(shown.last()).map(|(k, _)| *k);
    (shown.into_iter().map(|(_, c)| c).collect(), next)
}

/// The replies of comment `id`, if it is `c` or below it.
fn replies_of(c: Comment, id: i64) -> Option<Vec<Comment>> {
    if c.id == id {
        return Some(c.replies);
    }
    c.replies.into_iter().find_map(|r| replies_of(r, id))
}

fn reply_key(c: &Comment, created: &HashMap<i64, i64>) -> ReplyKey {
    ReplyKey {
        created_ms: created.get(&c.id).copied().unwrap_or_default(),
        id: c.id,
    }
}

/// Keeps the first `nested` replies of `c` and of each reply kept, and
/// says under each comment how many direct replies were left out and
/// where to continue. Only direct replies count: those are what a
/// "show more" under that comment brings.
fn trim(c: &mut Comment, nested: usize, created: &HashMap<i64, i64>) {
    if c.replies.len() > nested {
        c.more_replies = u32::try_from(c.replies.len() - nested).unwrap_or(u32::MAX);
        c.replies.truncate(nested);
        c.replies_cursor = c.replies.last().map(|r| reply_key(r, created).encode());
    }
    for r in &mut c.replies {
        trim(r, nested, created);
    }
}

/// Deeper than this, replies are shown beside their parent. The store caps
/// new replies at `max_depth`, but rows written under a larger setting (or
/// by hand) may form a chain of any length, and nesting, serialising and
/// dropping it are all recursive: 10,000 levels would overflow the stack.
pub const MAX_NESTING: usize = 32;

/// Re-attaches every comment deeper than [`MAX_NESTING`] to its ancestor
/// at the cap's parent level, as the store does for new replies. Iterative,
/// so a chain of any depth costs linear time and no stack.
fn cap_nesting(rows: &mut [Flat]) {
    let index: HashMap<i64, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.comment.id, i))
        .collect();
    let parent_of =
        |rows: &[Flat], i: usize| rows[i].comment.parent.and_then(|p| index.get(&p).copied());
    // (true depth, the parent to show it under) once known.
    let mut placed: Vec<Option<(usize, Option<i64>)>> = vec![None; rows.len()];
    for start in 0..rows.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            if placed[i].is_some() || path.len() > rows.len() {
                break;
            }
            path.push(i);
            at = parent_of(rows, i);
        }
        for &i in path.iter().rev() {
            let own = rows[i].comment.parent;
            placed[i] = Some(match parent_of(rows, i).and_then(|p| placed[p]) {
                // Beside its parent: under whatever the parent is shown under.
                Some((depth, shown)) if depth + 1 > MAX_NESTING => (depth + 1, shown),
                Some((depth, _)) => (depth + 1, own),
                None => (0, own),
            });
        }
    }
    for (row, place) in rows.iter_mut().zip(placed) {
        if let Some((_, shown)) = place {
            row.comment.parent = shown;
        }
    }
}

fn nest(row: Flat, children: &mut HashMap<Option<i64>, Vec<Flat>>) -> Option<Comment> {
    let mut comment = row.comment;
    let mut replies = children.remove(&Some(comment.id)).unwrap_or_default();
    replies.sort_by_key(|r| (r.created_ms, r.comment.id));
    comment.replies = replies
        .into_iter()
        .filter_map(|r| nest(r, children))
        .collect();
    let visible = match comment.status {
        CommentStatus::Approved => true,
        CommentStatus::Deleted => !comment.replies.is_empty(),
        CommentStatus::Pending | CommentStatus::Spam => false,
    };
    visible.then_some(comment)
}

#[cfg(test)]
mod tests;
