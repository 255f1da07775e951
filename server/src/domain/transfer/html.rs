//! Comment HTML (Disqus messages, WordPress comment bodies) to Markdown
//! source, through `htmd`. What the Markdown later renders to is sanitised
//! again by the server; this only has to keep the text and its layout.

use htmd::options::{BrStyle, Options};
use htmd::HtmlToMarkdown;

/// Elements whose content is never a reader's text: dropped whole.
const SKIPPED: [&str; 6] = [
    "script", "style", "noscript", "template", "iframe", "object",
];

/// Tags that show a body was laid out as HTML: then its newlines are only
/// source formatting, as in any HTML page.
const LAYOUT_TAGS: [&str; 3] = ["<p", "<br", "<pre"];

/// Deeper than any comment is nested on purpose. htmd walks the tree
/// recursively, so a hostile body of thousands of nested tags could
/// overflow the stack: past this, the body keeps its text, not its markup.
const MAX_DEPTH: usize = 100;

thread_local! {
    static CONVERTER: HtmlToMarkdown = HtmlToMarkdown::builder()
        .skip_tags(SKIPPED.to_vec())
        .options(Options {
            // A visible hard break: trailing spaces are lost to any editor
            // or trim on the way.
            br_style: BrStyle::Backslash,
            ..Options::default()
        })
        .build();
}

/// Converts a comment's HTML to Markdown source.
///
/// A body with none of `<p>`, `<br>` or `<pre>` is read as WordPress shows
/// it (its `wpautop`): a blank line starts a paragraph, a single newline is
/// a line break. Disqus bodies are already `<p>`-wrapped HTML and are read
/// as HTML, where newlines are just spaces.
pub fn to_markdown(html: &str) -> String {
    let html = html.replace("\r\n", "\n");
    let html = if nesting_depth(&html) > MAX_DEPTH {
        strip_tags(&html)
    } else {
        html
    };
    let lower = html.to_ascii_lowercase();
    let html = if LAYOUT_TAGS.iter().any(|tag| lower.contains(tag)) {
        html
    } else {
        autop(&html)
    };
    CONVERTER.with(|converter| match converter.convert(&html) {
        Ok(markdown) => markdown,
        // htmd's parse cannot fail on a `&str` today; should it ever, the
        // text is kept, escaped so none of it is read as markup.
        Err(_) => quick_xml::escape::partial_escape(html.as_str()).into_owned(),
    })
}

/// Wraps plain-text paragraphs in `<p>` and single newlines in `<br>`: the
/// core of WordPress's `wpautop`, without its special cases.
fn autop(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut paragraph = String::new();
    for line in text.split('\n') {
        if line.trim().is_empty() {
            push_paragraph(&mut out, &mut paragraph);
        } else {
            if !paragraph.is_empty() {
                paragraph.push_str("<br>");
            }
            paragraph.push_str(line.trim_end());
        }
    }
    push_paragraph(&mut out, &mut paragraph);
    out
}

fn push_paragraph(out: &mut String, paragraph: &mut String) {
    if !paragraph.is_empty() {
        out.push_str("<p>");
        out.push_str(paragraph);
        out.push_str("</p>\n");
        paragraph.clear();
    }
}

/// An upper bound on how deep a body's elements nest: every start tag not
/// known to be empty counts, every end tag closes one. Bodies that leave
/// `<p>` or `<li>` open count deeper than they are, which only matters
/// past `MAX_DEPTH`. One pass: the next `>` is looked for again only once
/// the scan has passed the last one found, so a body of many `<` and no
/// `>` costs no more than any other.
fn nesting_depth(html: &str) -> usize {
    const VOID: [&str; 6] = ["br", "img", "hr", "wbr", "input", "meta"];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut next_gt: Option<Option<usize>> = None;
    let mut from = 0;
    while let Some(at) = html[from..].find('<') {
        from += at + 1;
        let rest = &html[from..];
        if rest.starts_with('/') {
            depth = depth.saturating_sub(1);
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        let gt = match next_gt {
            Some(Some(gt)) if gt >= from => Some(gt),
            Some(None) => None,
            _ => {
                let found = rest.find('>').map(|end| from + end);
                next_gt = Some(found);
                found
            }
        };
        let self_closed = gt.is_some_and(|end| html[from..end].ends_with('/'));
        if !name.is_empty() && !self_closed && !VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// The body's text without its tags, and without what `SKIPPED` elements
/// hold (entities stay, for htmd to decode). Close tags are looked for in
/// one lowercased copy (ASCII lowercasing keeps every byte offset), not in
/// a fresh copy per element.
fn strip_tags(html: &str) -> String {
    let lower_all = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    while let Some(at) = html[from..].find('<') {
        out.push_str(&html[from..from + at]);
        from += at + 1;
        let rest = &html[from..];
        let lower = &lower_all[from..];
        let opened = lower.get(..10).unwrap_or(lower);
        let end = match SKIPPED.iter().find(|name| starts_tag(opened, name)) {
            Some(name) => lower
                .find(&format!("</{name}"))
                .and_then(|close| rest[close..].find('>').map(|gt| close + gt)),
            None => rest.find('>'),
        };
        let Some(end) = end else {
            return out;
        };
        out.push(' ');
        from += end + 1;
    }
    out.push_str(&html[from..]);
    out
}

/// Whether `lower` (lowercased text after a `<`) opens element `name`.
fn starts_tag(lower: &str, name: &str) -> bool {
    lower.strip_prefix(name).is_some_and(|after| {
        after.is_empty() || after.starts_with(|c: char| c == '>' || c == '/' || c.is_whitespace())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_markup_becomes_markdown() {
        assert_eq!(to_markdown("<p>Hello <b>there</b></p>"), "Hello **there**");
        let link = to_markdown("<a href=\"https://x.example/\">this</a>");
        assert_eq!(link, "[this](https://x.example/)");
        assert_eq!(
            to_markdown("<ul><li>one</li><li>two</li></ul>"),
            "*   one\n*   two"
        );
    }

    #[test]
    fn in_plain_text_a_blank_line_is_a_paragraph_and_a_newline_a_line_break() {
        let markdown = to_markdown("line one\nline two\n\n  \nsecond paragraph\n");
        assert_eq!(markdown, "line one\\\nline two\n\nsecond paragraph");
        assert_eq!(to_markdown("a\r\n\r\nb"), "a\n\nb");
    }

    #[test]
    fn in_html_newlines_are_only_source_formatting() {
        assert_eq!(
            to_markdown("<p>one\ntwo</p>\n\n<p>three</p>"),
            "one two\n\nthree"
        );
        // htmd keeps the newline's space; Markdown ignores it.
        assert_eq!(to_markdown("one<br>\ntwo"), "one\\\n two");
    }

    #[test]
    fn script_and_style_content_is_dropped() {
        let markdown = to_markdown("x <script>alert(1)</script> y<style>p{}</style>");
        assert_eq!(markdown, "x y");
        assert!(!to_markdown("<SCRIPT src=a>alert(1)</SCRIPT>hi").contains("alert"));
    }

    #[test]
    fn entities_are_decoded_and_escaped_tags_stay_text() {
        assert_eq!(to_markdown("caf&#233; &amp; bar"), "café & bar");
        let markdown = to_markdown("I typed &lt;b&gt;bold&lt;/b&gt;");
        assert_eq!(markdown, "I typed \\<b>bold\\</b>");
    }

    #[test]
    fn markdown_syntax_in_text_is_escaped() {
        let markdown = to_markdown("# not a heading\n5 * 3 = 15");
        assert_eq!(markdown, "\\# not a heading\\\n5 \\* 3 = 15");
    }

    #[test]
    fn a_body_nested_too_deep_keeps_its_text_and_not_the_stack_overflow() {
        let html = format!(
            "{}deep<script>alert(1)</script>{}",
            "<div><b>".repeat(5_000),
            "</b></div>".repeat(5_000)
        );
        // The stack a worker thread has by default.
        let converted = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || to_markdown(&html))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(converted, "deep");
    }

    #[test]
    fn tags_are_stripped_with_what_skipped_elements_hold() {
        assert_eq!(strip_tags("a<b>b</b><Script>x</sCRIPT >c<style"), "a b  c");
        assert_eq!(nesting_depth("<p>a<br><img src=x/><i>b</i></p>"), 2);
    }
}
