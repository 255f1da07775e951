//! JSON through the browser's own `JSON` object, read and written field by
//! field. serde's derives would pull a deserializer, its error messages and
//! float formatting into the wasm: 22.4 KB brotli of the 80 KB budget, as
//! `scripts/serde-cost` measured (BENCHMARKS.md), so the wire types are
//! built here by hand. Every struct is built with a
//! literal, so a field added to or renamed in `confab_api` fails to compile
//! here until this file follows; the browser tests cover the names.

use confab_api::{
    AuthorToken, Comment, CommentStatus, CreatedComment, EditComment, ErrorCode, Event, NewComment,
    Preview, PreviewRequest, Thread, VoteRequest, VoteResult,
};
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// A parsed JSON object.
pub struct Obj(pub JsValue);

impl Obj {
    pub fn get(&self, k: &str) -> JsValue {
        Reflect::get(&self.0, &k.into()).unwrap_or(JsValue::UNDEFINED)
    }
    pub fn str(&self, k: &str) -> Option<String> {
        self.get(k).as_string()
    }
    fn int(&self, k: &str) -> Option<i64> {
        self.get(k).as_f64().map(|f| f as i64)
    }
    pub fn obj(&self, k: &str) -> Option<Obj> {
        Some(self.get(k)).filter(JsValue::is_object).map(Obj)
    }
    fn list<T: FromJs>(&self, k: &str) -> Vec<T> {
        items(&self.get(k))
    }
}

/// The readable items of a JSON array (nothing, if it is not one: a bare
/// `Array.from(undefined)` would throw straight through the wasm).
fn items<T: FromJs>(v: &JsValue) -> Vec<T> {
    let Some(a) = v.dyn_ref::<Array>() else {
        return vec![];
    };
    a.iter().filter_map(|v| T::from_js(&Obj(v))).collect()
}

pub trait FromJs: Sized {
    fn from_js(o: &Obj) -> Option<Self>;
}

pub fn parse<T: FromJs>(text: &str) -> Option<T> {
    let v = JSON::parse(text).ok().filter(JsValue::is_object)?;
    T::from_js(&Obj(v))
}

impl FromJs for Comment {
    fn from_js(o: &Obj) -> Option<Self> {
        Some(Comment {
            id: o.int("id")?,
            parent: o.int("parent"),
            author: o.str("author").unwrap_or_default(),
            website: o.str("website"),
            avatar: o.str("avatar").unwrap_or_default(),
            html: o.str("html").unwrap_or_default(),
            created: o.str("created")?,
            edited: o.str("edited"),
            score: o.int("score").unwrap_or(0),
            pinned: o.get("pinned").is_truthy(),
            status: CommentStatus::parse(&o.str("status")?)?,
            replies: o.list("replies"),
            more_replies: o.int("more_replies").unwrap_or(0) as u32,
            replies_cursor: o.str("replies_cursor"),
        })
    }
}

impl FromJs for Thread {
    fn from_js(o: &Obj) -> Option<Self> {
        Some(Thread {
            page: o.str("page").unwrap_or_default(),
            total: o.int("total")?,
            locked: o.get("locked").as_bool(),
            comments: o.list("comments"),
            next_cursor: o.str("next_cursor"),
        })
    }
}

impl FromJs for CreatedComment {
    fn from_js(o: &Obj) -> Option<Self> {
        Some(CreatedComment {
            comment: Comment::from_js(&o.obj("comment")?)?,
            edit_token: o.str("edit_token")?,
        })
    }
}

impl FromJs for VoteResult {
    fn from_js(o: &Obj) -> Option<Self> {
        Some(VoteResult {
            score: o.int("score")?,
            value: o.int("value")? as i8,
        })
    }
}

impl FromJs for AuthorToken {
    fn from_js(o: &Obj) -> Option<Self> {
        Some(AuthorToken {
            token: o.str("token")?,
        })
    }
}

impl FromJs for Preview {
    fn from_js(o: &Obj) -> Option<Self> {
        Some(Preview {
            html: o.str("html")?,
        })
    }
}

impl FromJs for Event {
    fn from_js(o: &Obj) -> Option<Self> {
        let comment = || o.obj("comment").and_then(|c| Comment::from_js(&c));
        Some(match o.str("kind")?.as_str() {
            "created" => Event::Created {
                comment: comment()?,
            },
            "edited" => Event::Edited {
                comment: comment()?,
            },
            "deleted" => Event::Deleted { id: o.int("id")? },
            _ => return None,
        })
    }
}

impl FromJs for ErrorCode {
    /// The `code` of an error body; a code newer than this widget reads
    /// as a server problem.
    fn from_js(o: &Obj) -> Option<Self> {
        let code = o.obj("error")?.str("code")?;
        Some(ErrorCode::parse(&code).unwrap_or(ErrorCode::Internal))
    }
}

/// A JSON object being written.
pub struct Out(Object);

impl Out {
    pub fn new() -> Self {
        Out(Object::new())
    }
    pub fn set(self, k: &str, v: impl Into<JsValue>) -> Self {
        let _ = Reflect::set(&self.0, &k.into(), &v.into());
        self
    }
    /// Leaves absent values out, as the server's `Option`s expect.
    pub fn opt(self, k: &str, v: Option<impl Into<JsValue>>) -> Self {
        match v {
            Some(v) => self.set(k, v),
            None => self,
        }
    }
    pub fn text(self) -> String {
        JSON::stringify(&self.0)
            .map(String::from)
            .unwrap_or_default()
    }
}

pub fn new_comment(c: &NewComment) -> String {
    // Destructured, so that a new field cannot be forgotten here.
    let NewComment {
        page,
        title,
        url,
        parent,
        author,
        email,
        website,
        body,
        notify,
    } = c;
    Out::new()
        .set("page", page.as_str())
        .opt("title", title.as_deref())
        .opt("url", url.as_deref())
        .opt("parent", parent.map(|p| p as f64))
        .opt("author", author.as_deref())
        .opt("email", email.as_deref())
        .opt("website", website.as_deref())
        .set("body", body.as_str())
        .opt("notify", *notify)
        .text()
}

pub fn edit(e: &EditComment) -> String {
    Out::new().set("body", e.body.as_str()).text()
}

pub fn vote(v: &VoteRequest) -> String {
    Out::new().set("value", f64::from(v.value)).text()
}

pub fn preview(p: &PreviewRequest) -> String {
    Out::new().set("body", p.body.as_str()).text()
}

/// A comment as [`FromJs`] reads it back (for the held comments kept in
/// localStorage).
fn comment(c: &Comment) -> JsValue {
    let Comment {
        id,
        parent,
        author,
        website,
        avatar,
        html,
        created,
        edited,
        score,
        pinned,
        status,
        replies: _,
        more_replies: _,
        replies_cursor: _,
    } = c;
    let o = Out::new()
        .set("id", *id as f64)
        .opt("parent", parent.map(|p| p as f64))
        .set("author", author.as_str())
        .opt("website", website.as_deref())
        .set("avatar", avatar.as_str())
        .set("html", html.as_str())
        .set("created", created.as_str())
        .opt("edited", edited.as_deref())
        .set("score", *score as f64)
        .set("pinned", *pinned)
        .set("status", status.as_str());
    o.0.into()
}

/// Reads a JSON array of comments.
pub fn comments(text: &str) -> Vec<Comment> {
    items(&JSON::parse(text).unwrap_or(JsValue::NULL))
}

/// Writes a JSON array of comments.
pub fn comments_text(list: &[Comment]) -> String {
    let a: Array = list.iter().map(comment).collect();
    JSON::stringify(&a).map(String::from).unwrap_or_default()
}
