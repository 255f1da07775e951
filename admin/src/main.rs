//! The moderation dashboard's entry point. The server's `/admin` page loads
//! this module through a small boot script, which initialises the wasm; then
//! `main` chooses the language and mounts the app into the page body.

mod api;
mod app;
mod audit;
mod bans;
mod i18n;
mod login;
mod notice;
mod queue;
mod row;
mod search;
mod settings;
mod transfer;

fn main() {
    i18n::start();
    leptos::mount::mount_to_body(app::App);
}
