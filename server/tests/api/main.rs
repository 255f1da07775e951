//! The one integration test binary: a real server on port 0 and a fresh
//! database per test, on SQLite and on PostgreSQL.

mod admin_helpers;
mod cluster_helpers;
mod helpers;
mod smtp;

mod admin_auth;
mod admin_queue;
mod admin_scope;
mod binary;
mod cli;
mod cluster;
mod comments;
mod concurrency;
mod counts;
mod edits;
mod errors;
mod events;
mod health;
mod mail;
mod openapi;
mod operations;
mod preview;
mod spam_defence;
mod store;
mod thread;
mod votes;
