//! The one integration test binary: a real server on port 0 and a fresh
//! database per test, on SQLite and on PostgreSQL.

// A failed step fails the test; that is what a test unwrap is for.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin_helpers;
mod cluster_helpers;
mod dump;
mod helpers;

mod admin_auth;
mod admin_headers;
mod admin_queue;
mod admin_scope;
mod admin_transfer;
mod authz;
mod bad_input;
mod binary;
mod cli;
mod cluster;
mod cluster_notify;
mod code_tour;
mod comments;
mod concurrency;
mod config_example;
mod counts;
mod crash;
mod edits;
mod errors;
mod event_caps;
mod events;
mod fast_path;
mod flood;
mod hardening;
mod hardening_accounts;
mod hardening_conn;
mod hardening_content;
mod hardening_votes;
mod health;
mod import_commento;
mod import_export;
mod import_remark42;
mod isso_peer;
mod mail;
mod migrate;
mod openapi;
mod operations;
mod preview;
mod privacy;
mod reader;
mod reader_feeds;
mod reader_form;
mod reader_ssi;
mod release;
mod replies;
mod spam_defence;
mod store;
mod thread;
mod thread_cache;
mod votes;
mod write_path;
