//! The nesting, paging and trimming of [`super::build`].

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
            more_replies: 0,
            replies_cursor: None,
        },
        created_ms,
    }
}

fn ok(id: i64, parent: Option<i64>) -> Flat {
    row(id, parent, CommentStatus::Approved, id * 10)
}

/// A page of top-level comments, every reply shown.
fn top(rows: Vec<Flat>, sort: Sort, after: Option<&str>, limit: usize) -> Page {
    let after = after.map(|c| SortKey::decode(c, sort).unwrap());
    build(rows, Slice::Top { sort, after }, limit, usize::MAX).unwrap()
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
    let page = top(rows, Sort::Oldest, None, 10);
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
    let page = top(
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
    let page = top(
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
    let page = top(
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
    let page = top(
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
    let first = top(rows.clone(), Sort::Newest, None, 2);
    assert_eq!(ids(&first.comments), [5, 4]);
    let second = top(rows.clone(), Sort::Newest, first.next.as_deref(), 2);
    assert_eq!(ids(&second.comments), [3, 2]);
    let last = top(rows, Sort::Newest, second.next.as_deref(), 2);
    assert_eq!(ids(&last.comments), [1]);
    assert_eq!(last.next, None);
}

#[test]
fn pinned_comments_lead_and_top_sorts_by_score() {
    let mut rows: Vec<Flat> = (1..=3).map(|i| ok(i, None)).collect();
    rows[0].comment.score = 1;
    rows[1].comment.score = 5;
    rows[2].comment.pinned = true;
    let page = top(rows, Sort::Top, None, 10);
    assert_eq!(ids(&page.comments), [3, 2, 1]);
}

/// The first page of top-level comments, `nested` replies shown.
fn top_of(rows: Vec<Flat>, sort: Sort, nested: usize) -> Page {
    let slice = Slice::Top { sort, after: None };
    build(rows, slice, 10, nested).unwrap()
}

/// Comment 1 with replies 2..=n+1, reply 2 having replies of its own.
fn busy(n: i64) -> Vec<Flat> {
    let mut rows = vec![ok(1, None)];
    rows.extend((2..=n + 1).map(|id| ok(id, Some(1))));
    rows.extend((1000..1004).map(|id| ok(id, Some(2))));
    rows
}

fn replies(rows: Vec<Flat>, parent: i64, after: Option<&str>, limit: usize) -> Option<Page> {
    let after = after.map(|c| ReplyKey::decode(c).unwrap());
    build(rows, Slice::Replies { parent, after }, limit, 3)
}

#[test]
fn a_comment_shows_its_first_replies_and_counts_the_direct_ones_left_out() {
    let rows = busy(10);
    let page = top_of(rows, Sort::Oldest, 3);
    let first = &page.comments[0];
    assert_eq!(ids(&first.replies), [2, 3, 4]);
    assert_eq!(
        first.more_replies, 7,
        "reply 2's own replies are not counted"
    );
    assert!(first.replies_cursor.is_some());
    assert_eq!(page.total, 15, "the total still counts everything");
}

#[test]
fn the_nested_limit_applies_at_every_depth() {
    let page = top_of(busy(10), Sort::Oldest, 3);
    let two = &page.comments[0].replies[0];
    assert_eq!(ids(&two.replies), [1000, 1001, 1002]);
    assert_eq!(two.more_replies, 1);
    let three = &page.comments[0].replies[1];
    assert_eq!(
        (three.more_replies, three.replies_cursor.as_deref()),
        (0, None)
    );
}

#[test]
fn following_the_reply_cursor_returns_every_reply_once_in_order() {
    let rows = busy(10);
    let first = &top_of(rows.clone(), Sort::Newest, 3).comments[0];
    let mut seen = ids(&first.replies);
    let mut cursor = first.replies_cursor.clone();
    while let Some(c) = cursor {
        let page = replies(rows.clone(), 1, Some(&c), 2).unwrap();
        assert!(page.comments.len() <= 2);
        seen.extend(ids(&page.comments));
        cursor = page.next;
    }
    assert_eq!(seen, (2..=11).collect::<Vec<_>>());
}

#[test]
fn a_page_of_replies_trims_the_replies_of_each_reply() {
    let page = replies(busy(10), 1, None, 2).unwrap();
    assert_eq!(ids(&page.comments), [2, 3]);
    assert_eq!(ids(&page.comments[0].replies), [1000, 1001, 1002]);
    assert_eq!(page.comments[0].more_replies, 1);
    let deeper = page.comments[0].replies_cursor.as_deref();
    let rest = replies(busy(10), 2, deeper, 10).unwrap();
    assert_eq!((ids(&rest.comments), rest.next), (vec![1003], None));
}

#[test]
fn a_deleted_reply_counts_only_while_it_stays_as_a_placeholder() {
    let mut rows = busy(5);
    rows[2].comment.status = CommentStatus::Deleted; // 3: a leaf, gone
    rows[1].comment.status = CommentStatus::Deleted; // 2: has replies
    let page = top_of(rows, Sort::Oldest, 2);
    assert_eq!(ids(&page.comments[0].replies), [2, 4]);
    assert_eq!(page.comments[0].more_replies, 2, "5 and 6");
}

#[test]
fn replies_of_a_comment_not_shown_are_none() {
    let mut rows = busy(3);
    rows.push(row(50, None, CommentStatus::Pending, 500));
    rows.push(ok(51, Some(50)));
    rows.push(row(52, None, CommentStatus::Deleted, 520));
    for parent in [50, 51, 52, 99] {
        assert_eq!(replies(rows.clone(), parent, None, 10), None, "{parent}");
    }
    assert_eq!(replies(rows, 3, None, 10).unwrap().comments, []);
}
