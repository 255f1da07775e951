//! Posting and editing a comment, as services: what `POST .../comments` and
//! `PATCH /comments/{id}` do once the request is parsed and the author
//! proved, kept apart from HTTP so that other ways in (an importer, a form
//! that works without JavaScript) reuse the workflows or their steps. Both
//! screen the text the same way: an edit is no way around the checks.

use confab_api::{Comment, CommentStatus, ComposeSignals, CreatedComment, Event};

use crate::{
    domain::{
        input::NewCommentInput,
        markdown, secrets,
        verdict::{Refusal, Verdict},
        visible, CommentBody,
    },
    moderation::{
        mail,
        screen::{self, Candidate},
    },
    store::{now_ms, CommentMeta, Created, Held, NewCommentRow, Site},
    AppState,
};

/// A new comment, parsed and validated.
#[derive(Debug, Clone)]
pub struct NewPost {
    pub input: NewCommentInput,
    /// The comment replied to.
    pub parent: Option<i64>,
    /// Whether the author wants replies mailed.
    pub notify: bool,
    pub signals: ComposeSignals,
}

/// Who posts, as the server knows them.
#[derive(Debug, Clone)]
pub struct Poster {
    /// Today's salted hash of the address.
    pub ip_hash: String,
    /// `t:` and the author token's hash, or `ip:` and the IP hash.
    pub voter: String,
}

/// What became of a post.
#[derive(Debug)]
pub enum Posted {
    /// Stored and visible to readers now.
    Published(CreatedComment),
    /// Stored, and waiting for a moderator; also what a comment kept as spam
    /// looks like to its author.
    Held(CreatedComment),
    /// Not stored.
    Refused(Refusal),
}

/// The whole posting workflow, in order:
/// 1. count it against the rate limits ([`screen::rate_limit`]);
/// 2. render the markdown, and screen what readers would see of it
///    ([`screen::screen`]: refusals, spam, holds);
/// 3. build the row ([`row`]: make the edit token and the avatar, and keep
///    the page's title and URL only when the URL is on the site's origins);
/// 4. store it (refused when the page is locked or the parent is gone);
/// 5. publish: drop the page's cached threads everywhere and, when readers
///    can see it, send the `created` event;
/// 6. mail the site's moderators when it is held;
/// 7. mask: a comment kept as spam is reported `pending`, like every held
///    one, since telling a bot which check caught it would teach it.
///
/// A refusal at any step stores nothing.
pub async fn post(
    state: &AppState,
    site: &Site,
    post: NewPost,
    poster: Poster,
) -> anyhow::Result<Posted> {
    let html = markdown::render(post.input.body.as_str());
    let seen = visible::of(&html);
    let candidate = Candidate {
        site,
        page: post.input.page.as_str(),
        source: post.input.body.as_str(),
        seen: &seen,
        edit: false,
        email: post.input.email.as_deref(),
        ip_hash: &poster.ip_hash,
        voter: &poster.voter,
        signals: &post.signals,
    };
    if let Err(refusal) = screen::rate_limit(state, &candidate) {
        return Ok(Posted::Refused(refusal));
    }
    let verdict = match screen::screen(state, &candidate).await? {
        Ok(verdict) => verdict,
        Err(refusal) => return Ok(Posted::Refused(refusal)),
    };
    let held = verdict.status == CommentStatus::Pending;
    let (row, edit_token) = row(state, site, post, poster, (html, verdict), now_ms());
    let mut comment = match state.store.create_comment(&row).await? {
        Created::Comment(c) => c.into_api(),
        Created::PageLocked => return Ok(Posted::Refused(Refusal::PageLocked)),
        Created::ParentNotFound => return Ok(Posted::Refused(Refusal::ParentNotFound)),
    };
    let visible = comment.status == CommentStatus::Approved;
    let event = visible.then(|| Event::Created {
        comment: comment.clone(),
    });
    state.bus.changed(&site.slug, &row.page, event).await;
    if held {
        if let Some(held) = state.store.admin_comment(comment.id).await? {
            mail::notify_held(state, site, held);
        }
    }
    if comment.status == CommentStatus::Spam {
        comment.status = CommentStatus::Pending;
    }
    let created = CreatedComment {
        comment,
        edit_token,
    };
    Ok(if visible {
        Posted::Published(created)
    } else {
        Posted::Held(created)
    })
}

/// The row to store for `post`, with its rendered HTML and its verdict,
/// written at `now_ms`, and the edit token that only its author gets. Makes
/// no I/O.
pub fn row(
    state: &AppState,
    site: &Site,
    post: NewPost,
    poster: Poster,
    (html, verdict): (String, Verdict),
    now_ms: i64,
) -> (NewCommentRow, String) {
    let NewCommentInput {
        page,
        body,
        author,
        email,
        website,
        title,
        url,
    } = post.input;
    let (edit_token, edit_token_hash) = secrets::new_token();
    // The first commenter names the page for the dashboard: a URL off the
    // site is dropped, with the title sent along with it, rather than the
    // comment refused, since the commenter did not type either (the widget
    // sends the page's own). A moderator can set both later.
    let (title, url) = match url {
        Some(u) if !site.owns_url(&u) => (None, None),
        url => (title, url),
    };
    let row = NewCommentRow {
        site_id: site.id,
        page: page.to_string(),
        title,
        url,
        parent: post.parent,
        max_depth: i64::from(state.config.max_depth),
        avatar: secrets::avatar(
            &state.signing_key,
            &site.slug,
            email.as_deref(),
            &poster.voter,
        ),
        author,
        email,
        website,
        html,
        source: body.as_str().to_owned(),
        status: verdict.status,
        notify: post.notify,
        edit_token_hash,
        ip_hash: poster.ip_hash,
        voter_hash: poster.voter,
        held_reason: verdict.held_reason,
        now_ms,
    };
    (row, edit_token)
}

/// What became of an edit.
#[derive(Debug)]
pub enum Edited {
    /// Saved. Its status says whether readers see it: `pending` when
    /// screening held it (or it was held already).
    Saved(Box<Comment>),
    /// Not saved.
    Refused(Refusal),
    /// Deleted meanwhile.
    Gone,
}

/// An author's edit, in order: refused on a locked page; the new text
/// rendered and screened as a new comment would be (blocked words, bans,
/// spam, the site's moderation, links), except that it is no duplicate of
/// itself and the rate limit is not counted again; then stored. An edit can
/// only make a comment's status stricter: one that screening holds leaves
/// the public thread and waits for a moderator again (who is mailed), while
/// a passing edit of a held comment leaves it held.
///
/// `meta` is the comment, its author already proved; `ip_hash` is the
/// editor's address today, which a ban on addresses also covers.
pub async fn edit(
    state: &AppState,
    site: &Site,
    meta: &CommentMeta,
    body: CommentBody,
    ip_hash: &str,
) -> anyhow::Result<Edited> {
    let Some(stored) = state.store.admin_comment(meta.id).await? else {
        return Ok(Edited::Gone);
    };
    let page = state.store.page(site.id, &meta.page).await?;
    if page.is_some_and(|p| p.locked) {
        return Ok(Edited::Refused(Refusal::PageLocked));
    }
    let html = markdown::render(body.as_str());
    let seen = visible::of(&html);
    let signals = ComposeSignals::default();
    let candidate = Candidate {
        site,
        page: &meta.page,
        source: body.as_str(),
        seen: &seen,
        edit: true,
        email: stored.email.as_deref(),
        ip_hash,
        voter: &stored.voter_hash,
        signals: &signals,
    };
    let verdict = match screen::screen(state, &candidate).await? {
        Ok(verdict) => verdict,
        Err(refusal) => return Ok(Edited::Refused(refusal)),
    };
    let was = stored.status();
    let held = (strictness(verdict.status) > strictness(was)).then(|| Held {
        status: verdict.status,
        reason: format!(
            "edited: {}",
            verdict.held_reason.as_deref().unwrap_or_default()
        ),
    });
    let Some(row) = state
        .store
        .edit_comment(meta.id, body.as_str(), &html, held.as_ref(), now_ms())
        .await?
    else {
        return Ok(Edited::Gone);
    };
    let mut comment = row.into_api();
    let event = match (was == CommentStatus::Approved, comment.status) {
        (true, CommentStatus::Approved) => Some(Event::Edited {
            comment: comment.clone(),
        }),
        (true, _) => Some(Event::Deleted { id: comment.id }),
        _ => None,
    };
    state.bus.changed(&site.slug, &meta.page, event).await;
    if held.is_some_and(|h| h.status == CommentStatus::Pending) {
        if let Some(held) = state.store.admin_comment(meta.id).await? {
            mail::notify_held(state, site, held);
        }
    }
    // As for a post: which check caught it stays the moderators' business.
    if comment.status == CommentStatus::Spam {
        comment.status = CommentStatus::Pending;
    }
    Ok(Edited::Saved(Box::new(comment)))
}

/// How far a status keeps a comment from readers, for "only stricter".
fn strictness(status: CommentStatus) -> u8 {
    match status {
        CommentStatus::Approved => 0,
        CommentStatus::Pending => 1,
        CommentStatus::Spam | CommentStatus::Deleted => 2,
    }
}
