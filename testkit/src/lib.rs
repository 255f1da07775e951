//! The test kit: what the server's integration tests, the browser tests and
//! `bench/` each wrote for themselves, written once.
//!
//! - [`spawn_app`]: the app in-process on port 0, stopped when dropped;
//! - [`TestDb`]: a fresh database per test, on SQLite or PostgreSQL, and
//!   [`on_both_backends!`] to run a test on each;
//! - [`Confab`]: the `confab` binary as a child, ready once `/healthz`
//!   answers, killed when dropped;
//! - [`SmtpSink`]: a tiny SMTP server that hands over what it receives;
//! - [`Chromedriver`]: headless Chromium sessions over WebDriver;
//! - [`free_port`] and [`until`]: a port to listen on, and a bounded wait on
//!   a condition instead of a fixed sleep.

// Test-support code: a failed step fails the test that called it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app;
mod binary;
mod browser;
mod db;
mod smtp;
mod wait;

pub use app::{spawn_app, Served};
pub use binary::{rss_kib, Confab, Running};
pub use browser::{Chromedriver, Session};
pub use db::{Backend, TestDb};
pub use smtp::{decode_qp, Received, SmtpSink};
pub use wait::{free_port, until, until_some};
