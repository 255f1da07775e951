//! Live updates: an EventSource on the page's event stream keeps every open
//! widget current, and announces new comments to screen readers.

use confab_api::{CommentStatus, Event};
use std::{cell::RefCell, rc::Rc};

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{EventSource, MessageEvent};

use crate::model::{Ctx, Node};

/// Listens for the rest of the page's life; the browser reconnects by
/// itself after a dropped connection.
///
/// A page left for another stays in the back-forward cache with its
/// connections open unless it lets them go. Six such pages hold every
/// connection a browser allows one server over HTTP/1.1, and the seventh
/// article's widget waits forever. So the stream closes on `pagehide` and
/// opens again on `pageshow`.
pub fn listen(c: Ctx, newest_first: impl Fn() -> bool + 'static) {
    let url = c.e.client.events_url(&c.e.page);
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
    let open = move || {
        let es = EventSource::new(&url).ok()?;
        for name in ["created", "edited", "deleted", "message"] {
            let _ = es.add_event_listener_with_callback(name, on_event.as_ref().unchecked_ref());
        }
        Some(es)
    };
    let stream = Rc::new(RefCell::new(open()));
    let kept = stream.clone();
    let hide = Closure::<dyn Fn()>::new(move || {
        if let Some(es) = kept.borrow_mut().take() {
            es.close();
        }
    });
    let show = Closure::<dyn Fn()>::new(move || {
        let mut s = stream.borrow_mut();
        if s.is_none() {
            *s = open();
        }
    });
    let window = leptos::prelude::window();
    let _ = window.add_event_listener_with_callback("pagehide", hide.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback("pageshow", show.as_ref().unchecked_ref());
    hide.forget();
    show.forget();
}

fn held(n: &Node) -> bool {
    n.data
        .with_untracked(|c| c.status == CommentStatus::Pending)
}
