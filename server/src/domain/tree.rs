//! Flat comment rows to the nested thread readers see, one page of top-level
//! comments at a time.

use std::collections::HashMap;

use confab_api::{Comment, CommentStatus, Sort};

use super::cursor::SortKey;

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

#[derive(Debug, PartialEq)]
pub struct Page {
    pub comments: Vec<Comment>,
    /// Visible (approved) comments on the whole page, replies included.
    pub total: i64,
    /// The key of the last top-level comment shown, when more follow.
    pub next: Option<SortKey>,
}

/// Nests `rows`, then returns the top-level comments after `after` in `sort`
/// order, at most `limit` of them. Replies are always oldest first: they read
/// as a conversation. A deleted comment stays as a placeholder only while it
/// has visible replies; anything else not approved is left out with its
/// replies.
pub fn build(mut rows: Vec<Flat>, sort: Sort, after: Option<SortKey>, limit: usize) -> Page {
    cap_nesting(&mut rows);
    let total = rows
        .iter()
        .filter(|r| r.comment.status == CommentStatus::Approved)
        .count() as i64;
    let mut children: HashMap<Option<i64>, Vec<Flat>> = HashMap::new();
    for row in rows {
        children.entry(row.comment.parent).or_default().push(row);
    }
    let mut roots: Vec<(SortKey, Comment)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|row| {
            let key = row.key();
            nest(row, &mut children).map(|c| (key, c))
        })
        .collect();
    roots.sort_by(|a, b| a.0.cmp_in(&b.0, sort));
    let mut rest = roots
        .into_iter()
        .skip_while(|(key, _)| after.is_some_and(|a| key.cmp_in(&a, sort).is_le()))
        .peekable();
    let comments: Vec<(SortKey, Comment)> = rest.by_ref().take(limit).collect();
    let next = match rest.peek() {
        Some(_) => comments.last().map(|(key, _)| *key),
        None => None,
    };
    Page {
        comments: comments.into_iter().map(|(_, c)| c).collect(),
        total,
        next,
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
mod tests {
    use super::*;

    fn row(id: i64, parent: Option<i64>, status: CommentStatus, created_ms: i64) -> Flat {
        Flat {
            comment: Comment {
                id,
                parent,
                author: format!("a{id}"),
                website: None,
                avatar: String::new(),
                html: format!("<p>{id}</p>"),
                created: String::new(),
                edited: None,
                score: 0,
                pinned: false,
                status,
                replies: vec![],
            },
            created_ms,
        }
    }

    fn ok(id: i64, parent: Option<i64>) -> Flat {
        row(id, parent, CommentStatus::Approved, id * 10)
    }

    fn ids(cs: &[Comment]) -> Vec<i64> {
        cs.iter().map(|c| c.id).collect()
    }

    fn depth(c: &Comment) -> usize {
        let mut d = 0;
        let mut level = &c.replies;
        while let Some(first) = level.first() {
            d += 1;
            level = &first.replies;
        }
        d
    }

    #[test]
    fn a_chain_ten_thousand_deep_is_shown_no_deeper_than_the_cap() {
        let rows: Vec<Flat> = (1..=10_000)
            .map(|id| ok(id, (id > 1).then(|| id - 1)))
            .rev()
            .collect();
        let page = build(rows, Sort::Oldest, None, 10);
        assert_eq!(page.total, 10_000);
        assert_eq!(ids(&page.comments), [1]);
        assert_eq!(depth(&page.comments[0]), MAX_NESTING);
        let mut level = &page.comments[0];
        for _ in 1..MAX_NESTING {
            level = &level.replies[0];
        }
        assert_eq!(
            level.replies.len(),
            10_000 - MAX_NESTING,
            "the rest side by side, oldest first"
        );
        assert_eq!(level.replies[0].id, MAX_NESTING as i64 + 1);
        assert_eq!(level.replies.last().unwrap().id, 10_000);
    }

    #[test]
    fn replies_nest_under_their_parents_oldest_first() {
        let page = build(
            vec![ok(1, None), ok(3, Some(1)), ok(2, Some(1)), ok(4, Some(2))],
            Sort::Newest,
            None,
            10,
        );
        assert_eq!(ids(&page.comments), [1]);
        assert_eq!(ids(&page.comments[0].replies), [2, 3]);
        assert_eq!(ids(&page.comments[0].replies[0].replies), [4]);
        assert_eq!(page.total, 4);
    }

    #[test]
    fn a_deleted_comment_with_replies_stays_as_a_placeholder() {
        let page = build(
            vec![row(1, None, CommentStatus::Deleted, 1), ok(2, Some(1))],
            Sort::Oldest,
            None,
            10,
        );
        assert_eq!(ids(&page.comments), [1]);
        assert_eq!(page.comments[0].status, CommentStatus::Deleted);
        assert_eq!(page.total, 1);
    }

    #[test]
    fn deleted_leaves_vanish_even_under_deleted_parents() {
        let page = build(
            vec![
                row(1, None, CommentStatus::Deleted, 1),
                row(2, Some(1), CommentStatus::Deleted, 2),
                ok(3, None),
            ],
            Sort::Oldest,
            None,
            10,
        );
        assert_eq!(ids(&page.comments), [3]);
    }

    #[test]
    fn held_comments_hide_with_their_replies() {
        let page = build(
            vec![row(1, None, CommentStatus::Pending, 1), ok(2, Some(1))],
            Sort::Oldest,
            None,
            10,
        );
        assert!(page.comments.is_empty());
    }

    #[test]
    fn pages_follow_each_other_without_gaps_or_repeats() {
        let rows: Vec<Flat> = (1..=5).map(|i| ok(i, None)).collect();
        let first = build(rows.clone(), Sort::Newest, None, 2);
        assert_eq!(ids(&first.comments), [5, 4]);
        let second = build(rows.clone(), Sort::Newest, first.next, 2);
        assert_eq!(ids(&second.comments), [3, 2]);
        let last = build(rows, Sort::Newest, second.next, 2);
        assert_eq!(ids(&last.comments), [1]);
        assert_eq!(last.next, None);
    }

    #[test]
    fn pinned_comments_lead_and_top_sorts_by_score() {
        let mut rows: Vec<Flat> = (1..=3).map(|i| ok(i, None)).collect();
        rows[0].comment.score = 1;
        rows[1].comment.score = 5;
        rows[2].comment.pinned = true;
        let page = build(rows, Sort::Top, None, 10);
        assert_eq!(ids(&page.comments), [3, 2, 1]);
    }
}
