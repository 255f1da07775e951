//! What the widget draws around its comments, drawn by the server for the
//! fragment `/embed.js` shows while the wasm loads (`?view=widget`): the
//! header with its sort menu and the comment form, in the widget's own
//! markup (`app/src/thread.rs`, `composer.rs`, `editor.rs`). The widget
//! then takes the fragment's place at the same height, so nothing under it
//! moves. The whole fragment is `inert` until then: nothing typed into a
//! form that is about to be replaced can be lost.

use maud::{html, Markup};

use crate::domain::texts::Lang;

/// The header: the count, and the sort menu the widget has beside it.
pub fn head(lang: &Lang, count: &str) -> Markup {
    let t = &lang.t;
    html! {
        header class="cf-head" {
            h2 { (count) }
            label class="cf-sort" {
                span { (t.sort) }
                select {
                    option value="oldest" { (t.oldest) }
                    option value="newest" { (t.newest) }
                    option value="top" { (t.top) }
                }
            }
        }
    }
}

/// The form for a new comment, as the widget's composer draws it empty.
pub fn composer(lang: &Lang) -> Markup {
    let t = &lang.t;
    html! {
        form class="cf-form" {
            div class="cf-editor" {
                div class="cf-tabs" {
                    button type="button" class="cf-tab" aria-pressed="true" { (t.write) }
                    button type="button" class="cf-tab" aria-pressed="false" { (t.preview) }
                }
                label class="cf-field" {
                    span class="cf-sr" { (t.body_label) }
                    textarea dir="auto" rows="4" placeholder=(t.placeholder) {}
                }
                p class="cf-hint" { (t.hint) }
            }
            div class="cf-who" {
                @for (label, kind) in [(t.name, "text"), (t.email, "email"), (t.website, "url")] {
                    label class="cf-field" {
                        span { (label) }
                        input type=(kind) dir="auto";
                    }
                }
            }
            div class="cf-actions" {
                button type="submit" class="cf-primary" { (t.post) }
            }
        }
    }
}

/// A comment's votes, as the widget draws them for a published comment.
pub fn votes(lang: &Lang, score: i64) -> Markup {
    let t = &lang.t;
    html! {
        span class="cf-votes" {
            button type="button" class="cf-vote" aria-label=(t.up) { "▲" }
            span class="cf-score" { (score) }
            button type="button" class="cf-vote" aria-label=(t.down) { "▼" }
        }
    }
}
