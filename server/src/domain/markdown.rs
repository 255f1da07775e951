//! Markdown to sanitised HTML, once, when a comment is written. Readers get
//! the stored HTML, so a thread read never pays for rendering.

use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use linkify::{LinkFinder, LinkKind};
use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// Comments link out to the open web: search engines must not read those
/// links as endorsements, and the target must not reach back to our page.
pub const LINK_REL: &str = "nofollow ugc noopener noreferrer";

/// Deeper than anyone nests quotes or lists on purpose. Past it, the HTML
/// parser's scope checks make sanitising quadratic (the fuzzer found 4,000
/// `>` taking 0.3 s), so the extra levels go and their text stays.
pub const MAX_NESTING: usize = 32;

/// The only elements a comment's HTML may contain.
pub const TAGS: [&str; 19] = [
    "p",
    "br",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
];

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.add_tags(TAGS)
        .add_tag_attributes("a", ["href"])
        .add_tag_attributes("ol", ["start"])
        .url_schemes(["http", "https", "mailto"].into())
        // A relative link would resolve against whichever site embeds us.
        .url_relative(UrlRelative::Deny)
        .link_rel(Some(LINK_REL))
        // A code block that scrolls sideways must take keyboard focus to
        // be read without a mouse (axe: scrollable-region-focusable).
        .set_tag_attribute_value("pre", "tabindex", "0");
    b
});

/// Bare `http(s)://` addresses in text as links, as GFM autolinks them:
/// not inside a link or code, where an address is meant as it stands.
/// Whatever becomes a link still passes ammonia's scheme allowlist.
fn autolinks<'a>() -> impl FnMut(Event<'a>) -> Vec<Event<'a>> {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]);
    let mut verbatim = 0usize;
    move |event| match event {
        Event::Start(tag @ (Tag::Link { .. } | Tag::CodeBlock(_))) => {
            verbatim += 1;
            vec![Event::Start(tag)]
        }
        Event::End(tag @ (TagEnd::Link | TagEnd::CodeBlock)) => {
            verbatim = verbatim.saturating_sub(1);
            vec![Event::End(tag)]
        }
        Event::Text(text) if verbatim == 0 && text.contains("://") => finder
            .spans(&text)
            .flat_map(|span| {
                let part = CowStr::from(span.as_str().to_owned());
                match span.kind() {
                    Some(LinkKind::Url) => vec![
                        Event::Start(Tag::Link {
                            link_type: LinkType::Autolink,
                            dest_url: part.clone(),
                            title: "".into(),
                            id: "".into(),
                        }),
                        Event::Text(part),
                        Event::End(TagEnd::Link),
                    ],
                    _ => vec![Event::Text(part)],
                }
            })
            .collect(),
        other => vec![other],
    }
}

/// Renders comment markdown. Raw HTML is shown as text, not dropped, so the
/// author sees what they typed; images become their alt text because an
/// image is a tracking pixel as far as the readers' privacy goes.
pub fn render(source: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH;
    // Whether each open element was kept, and how many of them were.
    let (mut open, mut kept) = (Vec::new(), 0);
    let events = Parser::new_ext(source, options).filter_map(move |event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(tag) => {
            let keep = kept < MAX_NESTING;
            open.push(keep);
            kept += usize::from(keep);
            keep.then_some(Event::Start(tag))
        }
        Event::End(tag) => {
            let keep = open.pop().unwrap_or(true);
            kept = kept.saturating_sub(usize::from(keep));
            keep.then_some(Event::End(tag))
        }
        other => Some(other),
    });
    let events = events.flat_map(autolinks());
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    // pulldown-cmark escapes text but passes link targets through: ammonia
    // is the allowlist that decides what reaches a reader's browser.
    SANITIZER
        .clean(&unsafe_html)
        .to_string()
        .trim_end()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn emphasis_and_paragraphs_render() {
        assert_eq!(
            render("*hi* **there**\n\nnext"),
            "<p><em>hi</em> <strong>there</strong></p>\n<p>next</p>"
        );
    }

    #[test]
    fn links_get_the_ugc_rel() {
        let html = render("[x](https://example.com)");
        assert_eq!(
            html,
            r#"<p><a href="https://example.com" rel="nofollow ugc noopener noreferrer">x</a></p>"#
        );
    }

    #[test]
    fn javascript_and_relative_links_lose_their_href() {
        assert!(!render("[x](javascript:alert(1))").contains("href"));
        assert!(!render("[x](/admin)").contains("href"));
        assert!(render("[m](mailto:a@b.c)").contains(r#"href="mailto:a@b.c""#));
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render("<script>alert(1)</script> <b>bold</b>");
        assert!(!html.contains("<script"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("&lt;b&gt;"));
    }

    #[test]
    fn images_become_their_alt_text() {
        assert_eq!(render("![a cat](https://x/cat.png)"), "<p>a cat</p>");
    }

    #[test]
    fn nesting_stops_at_the_cap_and_keeps_the_text() {
        let html = render(&format!("{} deep", ">".repeat(10_000)));
        assert_eq!(html.matches("<blockquote>").count(), super::MAX_NESTING);
        assert_eq!(html.matches("</blockquote>").count(), super::MAX_NESTING);
        assert!(html.contains("deep"));
        let list: String = (0..100)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect();
        assert!(render(&list).matches("<li>").count() <= super::MAX_NESTING);
    }

    #[test]
    fn code_blocks_keep_their_content_escaped_and_take_focus() {
        assert_eq!(
            render("```\n<b>\n```"),
            "<pre tabindex=\"0\"><code>&lt;b&gt;\n</code></pre>"
        );
    }

    #[test]
    fn bare_addresses_become_links_but_not_in_code_or_links() {
        let rel = super::LINK_REL;
        assert_eq!(
            render("see https://example.org/a?b=1, then"),
            format!(
                r#"<p>see <a href="https://example.org/a?b=1" rel="{rel}">https://example.org/a?b=1</a>, then</p>"#
            )
        );
        assert_eq!(
            render("`https://x.org`"),
            "<p><code>https://x.org</code></p>"
        );
        assert!(!render("```\nhttps://x.org\n```").contains("<a"));
        let linked = render("[site](https://a.org) https://b.org");
        assert_eq!(linked.matches("<a ").count(), 2, "{linked}");
        // A scheme ammonia does not allow stays text.
        assert!(!render("javascript://x.org%0aalert(1)").contains("href"));
    }
}
