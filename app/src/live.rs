//! Live updates: an EventSource on the page's event stream keeps every open
//! widget current, and announces new comments to screen readers.

use confab_api::{CommentStatus, Event};
use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{EventSource, MessageEvent};

use crate::model::{Ctx, Node};

/// Listens for the rest of the page's life; the browser reconnects by
/// itself after a dropped connection.
pub fn listen(c: Ctx, newest_first: impl Fn() -> bool + 'static) {
    let Ok(es) = EventSource::new(&c.e.client.events_url(&c.e.page)) else {
        return;
    };
    let on_event = Closure::<dyn Fn(MessageEvent)>::new(move |m: MessageEvent| {
        let Some(data) = m.data().as_string() else {
            return;
        };
        match crate::json::parse(&data) {
            Some(Event::Created { comment }) => {
                let author = comment.author.clone();
                if c.insert(comment, newest_first()) {
                    let name = if author.is_empty() {
                        c.t.anonymous.into()
                    } else {
                        author
                    };
                    c.announce.set(c.t.new_comment.replace("{name}", &name));
                }
            }
            Some(Event::Edited { comment }) => c.replace(comment),
            // A held comment shown here is the reader's own, held again
            // by its edit: this delete is of the published copy.
            Some(Event::Deleted { id }) if !c.find(id).is_some_and(|n| held(&n)) => c.delete(id),
            Some(Event::Deleted { .. }) => {}
            None => {}
        }
    });
    for name in ["created", "edited", "deleted", "message"] {
        let _ = es.add_event_listener_with_callback(name, on_event.as_ref().unchecked_ref());
    }
    on_event.forget();
}

fn held(n: &Node) -> bool {
    n.data
        .with_untracked(|c| c.status == CommentStatus::Pending)
}
