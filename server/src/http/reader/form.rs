//! The comment form of the full page: a plain urlencoded `<form>`, so a
//! reader without JavaScript can post and reply. What they typed comes back
//! in it when the server refuses, with the reason beside the field.

use maud::{html, Markup};
use serde::Deserialize;

use super::links::Links;
use crate::domain::texts::Lang;

/// What the form posts. Every field is optional here so that a missing one
/// is the form back with a message, not a bare rejection.
#[derive(Debug, Default, Deserialize)]
pub struct Fields {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub website: String,
    /// The comment replied to, as the reply link set it.
    #[serde(default)]
    pub parent: String,
    /// The signed form token ([`crate::domain::signed::FormClaim`]).
    #[serde(default)]
    pub token: String,
    /// The honeypot: hidden from people, filled in by bots.
    #[serde(default)]
    pub hp: String,
}

/// A refusal to show: its text, and the field it is about, if one.
pub struct Problem {
    pub message: &'static str,
    pub field: Option<String>,
}

/// The form, filled with `fields`, with a fresh `token`, replying to
/// `reply_to` (the comment's id and author) when set.
pub fn form(
    lang: &Lang,
    links: &Links,
    fields: &Fields,
    token: &str,
    reply_to: Option<(i64, &str)>,
    problem: Option<&Problem>,
) -> Markup {
    let t = &lang.t;
    let action = match reply_to {
        Some((id, _)) => links.full(&[("reply_to", &id.to_string())]),
        None => links.full(&[]),
    };
    let about = |field: &str| problem.filter(|p| p.field.as_deref() == Some(field));
    let general = problem.filter(|p| {
        !matches!(
            p.field.as_deref(),
            Some("body" | "author" | "email" | "website")
        )
    });
    html! {
        form method="post" action=(action) id="confab-form" class="cf-form" data-testid="composer" {
            @if let Some((id, name)) = reply_to {
                p class="cf-replying" data-testid="replying" {
                    (t.reply) ": " b dir="auto" { (name) } " "
                    a href=(links.full(&[])) { (t.cancel) }
                }
                input type="hidden" name="parent" value=(id);
            }
            @if let Some(p) = general {
                p class="cf-notice cf-error" role="alert" data-testid="error" { (p.message) }
            }
            label for="cf-body" { (t.body_label) }
            textarea id="cf-body" name="body" rows="5" required dir="auto"
                placeholder=(t.placeholder) aria-invalid=[about("body").map(|_| "true")]
                aria-describedby=[about("body").map(|_| "cf-body-error")] { (fields.body) }
            (error_of("body", about("body")))
            (input(t.name, "author", "text", "name", &fields.author, about("author")))
            (input(t.email, "email", "email", "email", &fields.email, about("email")))
            (input(t.website, "website", "url", "url", &fields.website, about("website")))
            // Off screen and out of the tab order: only bots fill it in.
            div class="cf-hp" aria-hidden="true" {
                input name="hp" tabindex="-1" autocomplete="off" value=(fields.hp);
            }
            input type="hidden" name="token" value=(token);
            button.cf-primary type="submit" data-testid="post" { (t.post) }
        }
    }
}

/// A labelled one-line field.
fn input(
    label: &str,
    name: &str,
    kind: &str,
    autocomplete: &str,
    value: &str,
    problem: Option<&Problem>,
) -> Markup {
    let id = format!("cf-{name}");
    html! {
        label for=(id) { (label) }
        input id=(id) name=(name) type=(kind) value=(value) autocomplete=(autocomplete) dir="auto"
            aria-invalid=[problem.map(|_| "true")]
            aria-describedby=[problem.map(|_| format!("{id}-error"))];
        (error_of(name, problem))
    }
}

fn error_of(name: &str, problem: Option<&Problem>) -> Markup {
    html! {
        @if let Some(p) = problem {
            p id={"cf-" (name) "-error"} class="cf-notice cf-error" data-testid={"error-" (name)} {
                (p.message)
            }
        }
    }
}
