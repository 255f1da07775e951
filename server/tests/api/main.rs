//! The one integration test binary: a real server on port 0 and a fresh
//! database per test, on SQLite and on PostgreSQL.

mod helpers;

mod cli;
mod comments;
mod concurrency;
mod counts;
mod edits;
mod errors;
mod events;
mod health;
mod openapi;
mod preview;
mod store;
mod thread;
mod votes;
