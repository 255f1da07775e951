//! Where each imported post goes in its thread. Files list posts in any
//! order, so a reply may arrive before its parent: it waits until the
//! parent is placed, and whatever still waits at the end of the file has
//! lost its parent and goes to the top level. Replies past `max_depth`
//! attach at the cap, as new posts do. No I/O: the import service stores
//! what this decides and reports back the ids it got.

use std::collections::HashMap;

use super::Post;

/// A post that is stored (or was, by an earlier import).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    pub id: i64,
    pub page_id: i64,
    pub depth: i64,
    /// Where a reply to this post attaches, and at what depth less one:
    /// the post itself, or at the cap its parent.
    anchor: (i64, i64),
}

/// Where a post was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    pub id: i64,
    pub page_id: i64,
    pub parent: Option<i64>,
    pub depth: i64,
}

/// Where a post goes now.
#[derive(Debug, PartialEq)]
pub enum Placement {
    /// At the top level of its page; `lost` says why when it replied to
    /// something.
    Top {
        post: Post,
        page_id: i64,
        lost: Option<Lost>,
    },
    /// Under `parent`, at `depth`.
    Under {
        post: Post,
        page_id: i64,
        parent: i64,
        depth: i64,
    },
    /// Held until its parent is placed.
    Waiting,
}

/// Why a reply became a top-level comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lost {
    /// The comment it replies to is in neither the file nor the database.
    ParentMissing,
    /// The comment it replies to is on another page.
    ParentElsewhere,
}

/// The placed posts by source id, and the replies waiting for a parent.
#[derive(Debug)]
pub struct Tree {
    max_depth: i64,
    placed: HashMap<String, Node>,
    waiting: HashMap<String, Vec<(Post, i64)>>,
}

impl Tree {
    pub fn new(max_depth: i64) -> Self {
        Self {
            // Replies are always allowed one level, as on the live path.
            max_depth: max_depth.max(1),
            placed: HashMap::new(),
            waiting: HashMap::new(),
        }
    }

    /// Where `post`, on page `page_id`, goes given what is placed so far.
    pub fn place(&mut self, post: Post, page_id: i64) -> Placement {
        let Some(parent) = post.parent.clone() else {
            return Placement::Top {
                post,
                page_id,
                lost: None,
            };
        };
        match self.placed.get(&parent) {
            Some(node) => self.under(post, page_id, *node),
            None => {
                self.waiting
                    .entry(parent)
                    .or_default()
                    .push((post, page_id));
                Placement::Waiting
            }
        }
    }

    /// Records that the post `source_id` is stored as `id` under `parent`
    /// at `depth`, and returns where the replies that waited for it go.
    pub fn stored(&mut self, source_id: &str, stored: Stored) -> Vec<Placement> {
        let Stored {
            id,
            page_id,
            parent,
            depth,
        } = stored;
        // At the cap a reply goes beside this post, under its parent, as
        // the live path attaches it.
        let anchor = match parent {
            Some(parent) if depth >= self.max_depth => (parent, depth - 1),
            _ => (id, depth),
        };
        let node = Node {
            id,
            page_id,
            depth,
            anchor,
        };
        self.placed.insert(source_id.to_owned(), node);
        self.waiting
            .remove(source_id)
            .unwrap_or_default()
            .into_iter()
            .map(|(post, page)| self.under(post, page, node))
            .collect()
    }

    /// The node of a stored post.
    pub fn node(&self, source_id: &str) -> Option<Node> {
        self.placed.get(source_id).copied()
    }

    /// The source ids replies still wait for: at the end of the file, the
    /// importer looks each up among earlier imports, then calls
    /// [`Tree::orphans`].
    pub fn awaited(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.waiting.keys().cloned().collect();
        ids.sort();
        ids
    }

    /// The replies still waiting whose parent is nowhere, at the top level
    /// of their pages. A reply to one of them keeps waiting: storing them
    /// releases it. Call this until it returns nothing. Posts that wait on
    /// each other in a loop have no root: the loop is broken at the
    /// smallest source id.
    pub fn orphans(&mut self) -> Vec<Placement> {
        let waiting_posts: std::collections::HashSet<&str> = self
            .waiting
            .values()
            .flatten()
            .map(|(post, _)| post.source_id.as_str())
            .collect();
        let mut roots: Vec<String> = self
            .waiting
            .keys()
            .filter(|parent| !waiting_posts.contains(parent.as_str()))
            .cloned()
            .collect();
        if roots.is_empty() {
            roots.extend(self.waiting.keys().min().cloned());
        }
        roots.sort();
        roots
            .into_iter()
            .flat_map(|p| self.waiting.remove(&p).unwrap_or_default())
            .map(|(post, page_id)| Placement::Top {
                post,
                page_id,
                lost: Some(Lost::ParentMissing),
            })
            .collect()
    }

    fn under(&self, post: Post, page_id: i64, parent: Node) -> Placement {
        if parent.page_id != page_id {
            return Placement::Top {
                post,
                page_id,
                lost: Some(Lost::ParentElsewhere),
            };
        }
        let (parent, depth) = parent.anchor;
        Placement::Under {
            post,
            page_id,
            parent,
            depth: depth + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::transfer::Status;

    fn post(id: &str, parent: Option<&str>) -> Post {
        Post {
            source_id: id.into(),
            thread: "t".into(),
            parent: parent.map(Into::into),
            author: String::new(),
            email: None,
            website: None,
            body: String::new(),
            created_ms: None,
            edited_ms: None,
            status: Status::Approved,
            score: 0,
            pinned: false,
        }
    }

    /// Stores every placement the way the importer does, numbering ids
    /// from 1, and returns (source id, parent id, depth) in storing order.
    fn store_all(
        tree: &mut Tree,
        mut todo: Vec<Placement>,
        out: &mut Vec<(String, Option<i64>, i64)>,
    ) {
        while let Some(p) = todo.pop() {
            let (post, page_id, parent, depth) = match p {
                Placement::Waiting => continue,
                Placement::Top { post, page_id, .. } => (post, page_id, None, 0),
                Placement::Under {
                    post,
                    page_id,
                    parent,
                    depth,
                } => (post, page_id, Some(parent), depth),
            };
            let id = out.len() as i64 + 1;
            out.push((post.source_id.clone(), parent, depth));
            todo.extend(tree.stored(
                &post.source_id,
                Stored {
                    id,
                    page_id,
                    parent,
                    depth,
                },
            ));
        }
    }

    #[test]
    fn a_reply_that_comes_before_its_parent_waits_for_it() {
        let mut tree = Tree::new(5);
        let mut out = Vec::new();
        let first = tree.place(post("r", Some("p")), 1);
        assert_eq!(first, Placement::Waiting);
        let parent = tree.place(post("p", None), 1);
        store_all(&mut tree, vec![parent], &mut out);
        assert_eq!(out, [("p".into(), None, 0), ("r".into(), Some(1), 1)]);
        assert!(tree.orphans().is_empty());
    }

    #[test]
    fn replies_past_the_cap_attach_beside_their_parent() {
        let mut tree = Tree::new(2);
        let mut out = Vec::new();
        for (id, parent) in [
            ("a", None),
            ("b", Some("a")),
            ("c", Some("b")),
            ("d", Some("c")),
        ] {
            let placed = tree.place(post(id, parent), 1);
            store_all(&mut tree, vec![placed], &mut out);
        }
        // c is at the cap, so d goes under b, beside c, at the same depth.
        assert_eq!(out[2], ("c".into(), Some(2), 2));
        assert_eq!(out[3], ("d".into(), Some(2), 2));
    }

    #[test]
    fn an_orphan_goes_to_the_top_and_its_replies_stay_under_it() {
        let mut tree = Tree::new(5);
        let mut out = Vec::new();
        assert_eq!(
            tree.place(post("child", Some("orphan")), 1),
            Placement::Waiting
        );
        assert_eq!(
            tree.place(post("orphan", Some("gone")), 1),
            Placement::Waiting
        );
        assert_eq!(tree.awaited(), ["gone", "orphan"]);
        loop {
            let orphans = tree.orphans();
            if orphans.is_empty() {
                break;
            }
            assert!(matches!(
                &orphans[0],
                Placement::Top {
                    lost: Some(Lost::ParentMissing),
                    ..
                }
            ));
            store_all(&mut tree, orphans, &mut out);
        }
        assert_eq!(
            out,
            [("orphan".into(), None, 0), ("child".into(), Some(1), 1)]
        );
    }

    #[test]
    fn posts_that_wait_on_each_other_are_broken_at_the_smallest_id() {
        let mut tree = Tree::new(5);
        let mut out = Vec::new();
        tree.place(post("x", Some("y")), 1);
        tree.place(post("y", Some("x")), 1);
        let orphans = tree.orphans();
        store_all(&mut tree, orphans, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].1, None);
        assert_eq!(out[1].1, Some(1));
    }

    #[test]
    fn a_reply_to_a_comment_on_another_page_goes_to_the_top_of_its_own() {
        let mut tree = Tree::new(5);
        let mut out = Vec::new();
        let p = tree.place(post("p", None), 1);
        store_all(&mut tree, vec![p], &mut out);
        let r = tree.place(post("r", Some("p")), 2);
        assert!(matches!(
            r,
            Placement::Top {
                lost: Some(Lost::ParentElsewhere),
                page_id: 2,
                ..
            }
        ));
    }
}
