//! Newtypes for what a visitor types. Each `parse` trims, checks limits and
//! says which field is wrong; handlers only ever hold parsed values.

use std::fmt;

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::PageKey;

/// Why an input was refused, naming the field for the widget to highlight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub field: &'static str,
    pub message: String,
}

impl InputError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

pub const AUTHOR_MAX: usize = 64;
pub const EMAIL_MAX: usize = 254;
pub const WEBSITE_MAX: usize = 512;
pub const TITLE_MAX: usize = 256;
pub const URL_MAX: usize = 2048;

/// The markdown source of a comment: not blank, at most `max` characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBody(String);

impl CommentBody {
    pub fn parse(raw: &str, max: usize) -> Result<Self, InputError> {
        let body = raw.trim();
        if blank(body) {
            return Err(InputError::new("body", "the comment is empty"));
        }
        if body.chars().count() > max {
            return Err(InputError::new(
                "body",
                format!("the comment is longer than {max} characters"),
            ));
        }
        // Line breaks and tabs are text; other control characters are not,
        // and PostgreSQL cannot even store a NUL.
        if body
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(InputError::new("body", "contains control characters"));
        }
        no_tricks("body", body)?;
        Ok(Self(body.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Every field of a new comment, parsed: what `POST .../comments` checks
/// before anything touches the database (and what the fuzzer drives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCommentInput {
    pub page: PageKey,
    pub body: CommentBody,
    /// Empty when not given.
    pub author: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
}

impl NewCommentInput {
    pub fn parse(new: &confab_api::NewComment, max_body: usize) -> Result<Self, InputError> {
        Ok(Self {
            page: PageKey::parse(&new.page).map_err(|m| InputError::new("page", m))?,
            body: CommentBody::parse(&new.body, max_body)?,
            author: name("author", new.author.as_deref(), AUTHOR_MAX)?.unwrap_or_default(),
            email: email(new.email.as_deref())?,
            website: http_url("website", new.website.as_deref(), WEBSITE_MAX)?,
            title: plain_line("title", new.title.as_deref(), TITLE_MAX)?,
            url: http_url("url", new.url.as_deref(), URL_MAX)?,
        })
    }
}

/// One line of plain text: trimmed, no control characters, bounded. `None`
/// and blank both mean "not given".
pub fn plain_line(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, InputError> {
    let Some(text) = raw.map(str::trim).filter(|t| !blank(t)) else {
        return Ok(None);
    };
    if text.chars().count() > max {
        return Err(InputError::new(
            field,
            format!("longer than {max} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(InputError::new(field, "contains control characters"));
    }
    no_tricks(field, text)?;
    Ok(Some(text.to_owned()))
}

/// Whether `text` shows nothing: only whitespace and the invisible
/// characters people use to post "empty" comments and names.
fn blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || shows_nothing(c))
}

/// The invisible characters of [`blank`]: zero-width and format
/// characters, and the fillers of Hangul, Braille and Mongolian that draw
/// as empty space.
fn shows_nothing(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// What a name may not hold although it draws nothing: format characters
/// (zero-width spaces and joiners, soft hyphens, directional marks, tag
/// characters, interlinear annotations), line and paragraph separators, and
/// the fillers of [`shows_nothing`]. `Ad\u{200B}min` would read as "Admin".
pub fn invisible(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    ) || shows_nothing(c)
}

/// A reader's name: a [`plain_line`] with no [`invisible`] characters.
pub fn name(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, InputError> {
    let name = plain_line(field, raw, max)?;
    if name.as_deref().is_some_and(|n| n.chars().any(invisible)) {
        return Err(InputError::new(field, "contains invisible characters"));
    }
    Ok(name)
}

/// A name from an import file, made safe rather than refused (the author
/// is not there to fix it): control, bidi and invisible characters go,
/// and it is cut at `max` characters. Blank stays blank.
pub fn imported_name(raw: &str, max: usize) -> String {
    let kept: String = raw
        .chars()
        .filter(|&c| !c.is_control() && !bidi_control(c) && !invisible(c))
        .collect();
    kept.trim()
        .chars()
        .take(max)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// More combining marks than this on one character is "zalgo" text, drawn
/// over its neighbours; real scripts stack a few at most.
pub const MAX_MARKS: usize = 8;

/// Bidi embeddings, overrides and isolates: they reorder what follows.
pub fn bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Refuses the invisible tricks that make text read differently from what
/// it is: bidi embeddings, overrides and isolates (which reorder what
/// follows, even outside the comment), and zalgo. The plain right-to-left
/// and left-to-right marks stay: mixed-direction writing needs them.
fn no_tricks(field: &'static str, text: &str) -> Result<(), InputError> {
    if text.chars().any(bidi_control) {
        return Err(InputError::new(
            field,
            "contains bidirectional override characters",
        ));
    }
    // Marks are counted per letter they stack on: an invisible character
    // between two runs of marks joins them rather than starting anew.
    let mut run = 0;
    for c in text.chars().filter(|c| !invisible(*c)) {
        run = if unicode_normalization::char::is_combining_mark(c) {
            run + 1
        } else {
            0
        };
        if run > MAX_MARKS {
            return Err(InputError::new(field, "too many accents on one letter"));
        }
    }
    Ok(())
}

/// An absolute http(s) URL, as typed (after trimming).
pub fn http_url(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, InputError> {
    let Some(text) = plain_line(field, raw, max)? else {
        return Ok(None);
    };
    match url::Url::parse(&text) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(Some(text)),
        _ => Err(InputError::new(field, "must be an http:// or https:// URL")),
    }
}

/// A plausible e-mail address. Deliverability is the mailer's problem; this
/// only refuses what can never be an address.
pub fn email(raw: Option<&str>) -> Result<Option<String>, InputError> {
    let Some(text) = plain_line("email", raw, EMAIL_MAX)? else {
        return Ok(None);
    };
    let valid = match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !text.contains(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(Some(text))
    } else {
        Err(InputError::new("email", "not an e-mail address"))
    }
}

/// A vote: up, down, or withdrawn.
pub fn vote(value: i8) -> Result<i64, InputError> {
    match value {
        -1..=1 => Ok(i64::from(value)),
        _ => Err(InputError::new("value", "a vote is 1, -1 or 0")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_body_is_trimmed_and_must_not_be_blank() {
        assert_eq!(CommentBody::parse("  hi \n", 10).unwrap().as_str(), "hi");
        assert_eq!(CommentBody::parse(" \n ", 10).unwrap_err().field, "body");
        assert!(CommentBody::parse("\u{200B}\u{3164}\u{FEFF}", 10).is_err());
        assert_eq!(plain_line("author", Some("\u{2800}\u{200B}"), 5), Ok(None));
    }

    #[test]
    fn a_comment_body_keeps_line_breaks_but_no_other_control_characters() {
        assert!(CommentBody::parse("a\n\tb\r\n", 10).is_ok());
        assert!(CommentBody::parse("a\u{0}b", 10).is_err());
        assert!(CommentBody::parse("a\u{1b}[31mb", 10).is_err());
    }

    #[test]
    fn an_imported_name_loses_its_tricks_instead_of_being_refused() {
        assert_eq!(imported_name(" Ad\u{200B}m\u{202E}in\n ", 64), "Admin");
        assert_eq!(imported_name("\u{2066}\u{2069}", 64), "");
        assert_eq!(imported_name("Ann Lee", 3), "Ann");
    }

    #[test]
    fn bidi_overrides_and_zalgo_are_refused_but_right_to_left_text_is_not() {
        for bad in [
            "a\u{202E}gpj.exe",
            "x\u{2066}y",
            "Z\u{0336}\u{0337}\u{0338}\u{0339}\u{033A}\u{033B}\u{033C}\u{033D}\u{033E}",
        ] {
            assert!(CommentBody::parse(bad, 100).is_err(), "{bad:?}");
            assert!(plain_line("author", Some(bad), 100).is_err(), "{bad:?}");
        }
        for good in [
            "שָׁלוֹם עולם",
            "مرحبا \u{200F}(1)",
            "Tiếng Việt",
            "e\u{0301}\u{0323}",
        ] {
            assert!(CommentBody::parse(good, 100).is_ok(), "{good:?}");
            assert!(plain_line("author", Some(good), 100).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn zalgo_split_by_invisible_characters_is_still_zalgo() {
        let marks = "\u{0336}\u{0337}\u{0338}\u{0339}\u{033A}";
        let split = format!("Z{marks}\u{200B}{marks}");
        assert!(CommentBody::parse(&split, 100).is_err(), "{split:?}");
        assert!(CommentBody::parse(&format!("Z{marks} Z{marks}"), 100).is_ok());
    }

    #[test]
    fn names_refuse_invisible_characters_that_plain_lines_allow() {
        for bad in [
            "Ad\u{200B}min",
            "Ad\u{200D}min",
            "Ad\u{2060}min",
            "Ad\u{00AD}min",
            "Admin\u{E0041}",
            "Ad\u{206A}min",
            "Ad\u{2028}min",
            "Ad\u{FFF9}min",
            "Ad\u{200E}min",
        ] {
            assert!(name("author", Some(bad), 100).is_err(), "{bad:?}");
        }
        for good in [
            "Admin",
            "שָׁלוֹם",
            "Tiếng Việt",
            "Zoë",
            "李小龙",
            "Ann-Marie O'Neil",
        ] {
            assert_eq!(
                name("author", Some(good), 100),
                Ok(Some(good.to_owned())),
                "{good:?}"
            );
        }
        assert_eq!(
            name("author", Some("\u{2800}\u{200B}"), 5),
            Ok(None),
            "blank is not given"
        );
    }

    #[test]
    fn a_comment_body_is_limited_in_characters_not_bytes() {
        assert!(CommentBody::parse(&"é".repeat(10), 10).is_ok());
        assert!(CommentBody::parse(&"é".repeat(11), 10).is_err());
    }

    #[test]
    fn blank_optional_lines_mean_not_given() {
        assert_eq!(plain_line("author", Some("  "), 5), Ok(None));
        assert_eq!(plain_line("author", None, 5), Ok(None));
        assert_eq!(
            plain_line("author", Some(" Ann "), 5),
            Ok(Some("Ann".into()))
        );
    }

    #[test]
    fn plain_lines_refuse_control_characters_and_length() {
        assert!(plain_line("author", Some("a\u{0}b"), 5).is_err());
        assert!(plain_line("author", Some("a\nb"), 5).is_err());
        assert!(plain_line("author", Some("abcdef"), 5).is_err());
    }

    #[test]
    fn websites_must_be_http_urls() {
        assert!(http_url("website", Some("https://example.com/me"), 100).is_ok());
        for bad in ["example.com", "javascript:alert(1)", "ftp://x.y", "http://"] {
            assert!(http_url("website", Some(bad), 100).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(email(Some("ann@example.org")).is_ok());
        for bad in ["ann", "@x.org", "ann@x", "a b@x.org", "a@b@c.org", "a@.org"] {
            assert!(email(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn votes_are_one_minus_one_or_zero() {
        assert_eq!(vote(-1), Ok(-1));
        assert_eq!(vote(0), Ok(0));
        assert!(vote(2).is_err());
    }
}
