//! Browser tests: the demo article is served from one origin and Confab from
//! another, both on port 0, and headless Chromium loads the article.

// A failed step fails the test; that is what a test unwrap is for.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod assets;
mod counts;
mod dashboard_languages;
mod dashboard_pages;
mod dashboard_transfer;
mod embed;
mod harness;
mod moderation;
mod reader_no_js;
mod recent;
mod widget_a11y;
mod widget_author;
mod widget_blend;
mod widget_controls;
mod widget_held;
mod widget_languages;
mod widget_live;
mod widget_placeholders;
mod widget_retry;
mod widget_states;
mod widget_story;
mod widget_takeover;
mod widget_thread;
mod widget_votes;
mod xss;
