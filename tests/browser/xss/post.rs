//! Posting one payload into every field a client sets. A field the server
//! refuses (422 naming it) is tried again in a form it accepts, which keeps
//! as much of the payload as the rules allow; what was finally stored is
//! what the views are checked against.

use serde_json::{json, Map, Value};

use super::probe::PAGE;

/// One field of one post, with the values to try in order.
pub struct Field {
    pub name: &'static str,
    tries: Vec<Option<String>>,
    at: usize,
    /// False for the probe's own fixed values.
    pub payload: bool,
}

impl Field {
    fn new(name: &'static str, tries: Vec<Option<String>>) -> Self {
        Self {
            name,
            tries,
            at: 0,
            payload: true,
        }
    }

    fn fixed(name: &'static str, value: String) -> Self {
        Self {
            payload: false,
            ..Self::new(name, vec![Some(value)])
        }
    }

    /// The value that was sent last, so stored if the post succeeded.
    pub fn value(&self) -> Option<&str> {
        self.tries[self.at].as_deref()
    }

    /// Whether the payload went in exactly as written.
    pub fn raw(&self) -> bool {
        self.at == 0
    }
}

/// The payload without what no text field accepts: control characters,
/// bidi controls, invisible characters (which names refuse, and which zalgo
/// counting looks through), and combining marks past the zalgo limit (the
/// server's own rules, from `confab::domain::input`).
fn printable(p: &str) -> String {
    use confab::domain::input::{bidi_control, invisible, MAX_MARKS};
    let mut marks = 0;
    p.chars()
        .filter(|&c| !invisible(c))
        .filter(|&c| {
            let mark = unicode_normalization::char::is_combining_mark(c);
            marks = if mark { marks + 1 } else { 0 };
            !c.is_control() && !bidi_control(c) && marks <= MAX_MARKS
        })
        .collect()
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// For URL fields: the payload as a URL, then inside an https URL's path.
fn url_tries(p: &str, max: usize) -> Vec<Option<String>> {
    let inside = clip(&format!("https://example.com/{}", printable(p)), max);
    vec![Some(p.to_owned()), Some(inside), None]
}

fn line_tries(p: &str, max: usize) -> Vec<Option<String>> {
    vec![Some(p.to_owned()), Some(clip(&printable(p), max)), None]
}

/// The comment on the shared page: body, author name and website.
pub fn on_the_page(p: &str) -> Vec<Field> {
    vec![
        Field::fixed("page", PAGE.to_owned()),
        Field::new("body", vec![Some(p.to_owned()), Some(printable(p))]),
        Field::new("author", line_tries(p, 64)),
        Field::new("website", url_tries(p, 512)),
    ]
}

/// The first comment on a page of its own, so its title and URL are the
/// page's: page key, title and URL.
pub fn on_its_own_page(n: usize, p: &str) -> Vec<Field> {
    let bare: String = printable(p)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    vec![
        Field::new(
            "page",
            vec![
                Some(format!("/xss/{n}/{p}")),
                Some(clip(&format!("/xss/{n}/{bare}"), 500)),
                Some(format!("/xss/{n}")),
            ],
        ),
        Field::fixed("body", format!("Page probe {n}")),
        Field::new("title", line_tries(p, 256)),
        Field::new("url", url_tries(p, 2048)),
    ]
}

/// Posts until the server stores the comment; returns its id and status.
pub async fn post(
    http: &reqwest::Client,
    confab: &str,
    origin: &str,
    fields: &mut [Field],
) -> (i64, u16) {
    loop {
        let body: Map<String, Value> = fields
            .iter()
            .filter_map(|f| Some((f.name.to_owned(), json!(f.value()?))))
            .collect();
        let resp = http
            .post(format!("{confab}api/v1/sites/demo/comments"))
            .header("origin", origin)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let answer: Value = resp.json().await.unwrap();
        if status == 201 || status == 202 {
            return (answer["comment"]["id"].as_i64().unwrap(), status);
        }
        let named = answer["error"]["field"].as_str();
        let field = fields.iter_mut().find(|f| Some(f.name) == named);
        match field {
            Some(f) if status == 422 && f.at + 1 < f.tries.len() => f.at += 1,
            _ => panic!("{status} {answer} for {body:?}"),
        }
    }
}
