//! What a reader sees of a comment: the text and the links of its rendered,
//! sanitised HTML. Screening checks words and counts links on this, not on
//! the markdown source, because the source can spell a word so that no
//! check on it matches and readers still see the word: `c&#97;sino`,
//! `cas*i*no`, a soft hyphen inside, or a link target written
//! `https&#58;//`.
//!
//! The HTML is read with html5ever's tokenizer (ammonia's own parser, so no
//! new crate): it decodes character references in text and attributes as a
//! browser does, which a hand-written scan would have to copy.

use std::cell::RefCell;

use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer,
};

use super::{input::invisible, words};

/// The text and links of a comment as readers get them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visible {
    /// The text, then every link target, for the word lists: character
    /// references decoded, format characters (soft hyphens, zero-width
    /// spaces) removed, and a line break wherever a block ends, so that
    /// words of two paragraphs never join.
    pub text: String,
    /// Each link element with a target, plus each URL written out in the
    /// text outside a link.
    pub links: usize,
}

/// Elements that begin a new line: their text does not run into the next.
const BLOCKS: [&str; 15] = [
    "p",
    "br",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "div",
];

/// What the tokenizer has shown so far.
#[derive(Default)]
struct Seen {
    text: String,
    /// The text outside links, where a written-out URL is a link of its own.
    outside: String,
    hrefs: Vec<String>,
    /// Inside an `a` that has a target.
    in_link: bool,
}

impl Seen {
    fn tag(&mut self, tag: &Tag) {
        if BLOCKS.contains(&&*tag.name) {
            self.text.push('\n');
            self.outside.push('\n');
        }
        if &*tag.name != "a" {
            return;
        }
        match tag.kind {
            TagKind::StartTag => {
                let href = tag.attrs.iter().find(|a| &*a.name.local == "href");
                if let Some(href) = href {
                    self.hrefs.push(href.value.to_string());
                    self.in_link = true;
                }
            }
            TagKind::EndTag => self.in_link = false,
        }
    }

    fn chars(&mut self, text: &str) {
        let shown = text.chars().filter(|c| !invisible(*c));
        if self.in_link {
            self.text.extend(shown);
        } else {
            let start = self.text.len();
            self.text.extend(shown);
            self.outside.push_str(&self.text[start..]);
        }
    }
}

/// The sink the tokenizer reports to; html5ever hands it `&self`.
struct Sink(RefCell<Seen>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut seen = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => seen.tag(&tag),
            Token::CharacterTokens(text) => seen.chars(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// What the tokenizer saw of `html`.
fn seen(html: &str) -> Seen {
    let input = BufferQueue::default();
    input.push_back(html.into());
    let tokenizer = Tokenizer::new(Sink(RefCell::default()), Default::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.into_inner()
}

/// What readers see of `html`, the sanitised output of `markdown::render`.
pub fn of(html: &str) -> Visible {
    let seen = seen(html);
    let links = seen.hrefs.len() + words::count_links(&seen.outside);
    let mut text = seen.text;
    for href in &seen.hrefs {
        text.push('\n');
        text.push_str(href);
    }
    Visible { text, links }
}

/// The start of what readers read in `html`, on one line, at most `max`
/// characters with an ellipsis when cut: for lists of recent comments.
pub fn excerpt(html: &str, max: usize) -> String {
    let text = seen(html).text;
    let words: Vec<&str> = text.split_whitespace().collect();
    let line = words.join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::of;
    use crate::domain::{markdown::render, words::find_listed};

    fn seen(source: &str) -> super::Visible {
        of(&render(source))
    }

    #[test]
    fn an_excerpt_is_the_text_on_one_line_cut_with_an_ellipsis() {
        let html = render("**Hello** [there](https://x.example)\n\nsecond  para");
        assert_eq!(super::excerpt(&html, 100), "Hello there second para");
        assert_eq!(super::excerpt(&html, 9), "Hello th…");
        assert_eq!(
            super::excerpt(&render("<script>x</script>"), 50),
            "<script>x</script>"
        );
    }

    #[test]
    fn references_markup_and_format_characters_do_not_hide_a_word() {
        let blocked = ["casino".to_owned()];
        for source in [
            "c&#97;sino",
            "cas*i*no",
            "cas\u{00AD}ino",
            "ca&shy;sino",
            "cas\u{200B}ino",
            "[win](https://casino.test)",
        ] {
            let v = seen(source);
            assert_eq!(find_listed(&v.text, &blocked), Some("casino"), "{source:?}");
        }
    }

    #[test]
    fn paragraphs_and_list_items_do_not_join_their_words() {
        let blocked = ["class".to_owned()];
        assert_eq!(find_listed(&seen("cl\n\nass").text, &blocked), None);
        assert_eq!(find_listed(&seen("- cl\n- ass").text, &blocked), None);
    }

    #[test]
    fn links_are_counted_from_targets_and_written_out_urls() {
        assert_eq!(seen("no links").links, 0);
        assert_eq!(seen("[a](https&#58;//a.test)").links, 1);
        assert_eq!(seen("<https://a.test>").links, 1, "text and target are one");
        assert_eq!(seen("https://a.test and www.b.test").links, 2);
        assert_eq!(seen("[a](https://a.test) https://b.test").links, 2);
        assert_eq!(seen("[x](javascript:alert(1))").links, 0, "no target left");
        assert_eq!(seen("![i](https://a.test/i.png)").links, 0, "images go");
    }
}
