//! The dashboard's one status line, and the helper that reports a call's
//! failure there, so the components only say what success does.

use std::{cell::Cell, future::Future};

use leptos::{prelude::*, task::spawn_local};

use crate::{api::ApiResult, i18n::t};

thread_local! {
    /// The dashboard's one status line, announced politely to screen
    /// readers. A plain global rather than a context, because keyboard
    /// shortcuts report from an event listener, outside any reactive owner.
    static NOTICE: Cell<Option<RwSignal<String>>> = const { Cell::new(None) };
}

/// Makes the status line for [`notify`]; the app calls it once.
pub fn notice() -> RwSignal<String> {
    let n = RwSignal::new(String::new());
    NOTICE.with(|c| c.set(Some(n)));
    n
}

pub fn notify(text: impl Into<String>) {
    if let Some(n) = NOTICE.with(Cell::get) {
        n.set(text.into());
    }
}

/// Runs `request` and hands its answer to `ok`; a failure is shown in the
/// status line.
pub fn call<T: 'static>(
    request: impl Future<Output = ApiResult<T>> + 'static,
    ok: impl FnOnce(T) + 'static,
) {
    spawn_local(async move {
        match request.await {
            Ok(v) => ok(v),
            Err(f) => notify(t().failure(&f)),
        }
    });
}
