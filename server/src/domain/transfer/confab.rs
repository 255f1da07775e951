//! Confab's own export: one JSON object per line (JSON Lines), so that both
//! writing and reading stream, and an error names its line. The first line
//! is the header with the format version and the site; pages come next,
//! then comments in id order (a parent before its replies), then the
//! site's moderators, without their passwords. Comments keep their ids, so
//! that permalinks (`#confab-<id>`) still work after a move.

use std::io::BufRead;

use serde::{Deserialize, Serialize};

use super::{
    lines::{json_error, LineReader},
    Limits, ParseError, Post, Record, Status, Thread,
};

/// The version this build writes and reads.
pub const VERSION: u32 = 1;

/// One line of the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Line {
    ConfabExport(Header),
    Page(PageLine),
    Comment(CommentLine),
    Moderator(ModeratorLine),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub version: u32,
    /// When the export was written (RFC 3339, UTC).
    pub exported: String,
    pub site: SiteLine,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteLine {
    pub slug: String,
    pub name: String,
    pub origins: Vec<String>,
    /// `open`, `all` or `first-time`.
    pub moderation: String,
    pub settings: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageLine {
    pub key: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub locked: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentLine {
    pub id: i64,
    /// The key of its page.
    pub page: String,
    pub parent: Option<i64>,
    /// `approved`, `pending`, `spam` or `deleted`.
    pub status: String,
    pub author: String,
    pub email: Option<String>,
    pub website: Option<String>,
    /// The Markdown the author wrote; the HTML is rendered again on import.
    pub source: String,
    pub score: i64,
    /// RFC 3339, UTC, to the millisecond.
    pub created: String,
    pub edited: Option<String>,
    pub pinned: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeratorLine {
    pub email: String,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approved => "approved",
            Self::Pending => "pending",
            Self::Spam => "spam",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "approved" => Self::Approved,
            "pending" => Self::Pending,
            "spam" => Self::Spam,
            "deleted" => Self::Deleted,
            _ => return None,
        })
    }
}

impl PageLine {
    /// The page as a thread: its key is its source id and its link.
    pub fn into_record(self) -> Record {
        Record::Thread(Thread {
            source_id: self.key.clone(),
            link: self.key,
            url: self.url,
            title: self.title,
            locked: self.locked,
        })
    }
}

impl CommentLine {
    /// The comment as a post, or what is wrong with it.
    pub fn into_record(self) -> Result<Record, String> {
        let status = Status::parse(&self.status)
            .ok_or_else(|| format!("unknown status {:?}", self.status))?;
        let created = super::time::rfc3339_ms(&self.created)
            .ok_or_else(|| format!("created {:?} is not an RFC 3339 time", self.created))?;
        let edited = match &self.edited {
            Some(t) => Some(
                super::time::rfc3339_ms(t)
                    .ok_or_else(|| format!("edited {t:?} is not an RFC 3339 time"))?,
            ),
            None => None,
        };
        Ok(Record::Post(Post {
            source_id: self.id.to_string(),
            thread: self.page,
            parent: self.parent.map(|p| p.to_string()),
            author: self.author,
            email: self.email,
            website: self.website,
            body: self.source,
            created_ms: Some(created),
            edited_ms: edited,
            status,
            score: self.score,
            pinned: self.pinned,
        }))
    }
}

/// Reads an export line by line. The first line must be the header, of a
/// version this build reads. A line longer than the limit is refused
/// before it is held whole.
/// Each line comes with its number.
pub fn lines<R: BufRead>(
    reader: R,
    limits: Limits,
) -> impl Iterator<Item = Result<(u64, Line), ParseError>> {
    let mut lines = LineReader::new(reader, limits.max_line_bytes());
    let mut header = false;
    super::until_error(std::iter::from_fn(move || {
        let (number, line) = match lines.next_line() {
            Some(Ok((number, bytes))) => (number, serde_json::from_slice::<Line>(bytes)),
            Some(Err(e)) => return Some(Err(e)),
            None if header => return None,
            None => return Some(Err(lines.error("the file is empty"))),
        };
        let first = !std::mem::replace(&mut header, true);
        let line = match line {
            Ok(line) => line,
            Err(e) => return Some(Err(json_error(number, &e))),
        };
        Some(match (&line, first) {
            (Line::ConfabExport(h), true) if h.version != VERSION => Err(lines.error(format!(
                "format version {} (this build reads version {VERSION})",
                h.version
            ))),
            (Line::ConfabExport(_), true) => Ok((number, line)),
            (_, true) => Err(lines.error("the first line must be the confab_export header")),
            (Line::ConfabExport(_), false) => Err(lines.error("a second header")),
            _ => Ok((number, line)),
        })
    }))
}

/// Reads an export as records: the header's site, then pages, comments
/// and moderators. A comment that cannot be one is refused with its line.
pub fn records<R: BufRead>(
    reader: R,
    limits: Limits,
) -> impl Iterator<Item = Result<Record, ParseError>> {
    // A comment refused here ends the records too, as a bad line does.
    super::until_error(lines(reader, limits).map(|line| {
        let (number, line) = line?;
        Ok(match line {
            Line::ConfabExport(header) => Record::Site(header.site),
            Line::Page(page) => page.into_record(),
            Line::Comment(comment) => comment.into_record().map_err(|message| ParseError {
                line: number,
                column: 0,
                message,
            })?,
            Line::Moderator(m) => Record::Moderator(m.email),
        })
    }))
}

/// One line of the export, as written: compact JSON and a newline.
pub fn write_line(out: &mut (impl std::io::Write + ?Sized), line: &Line) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> String {
        r#"{"confab_export":{"version":1,"exported":"2026-01-01T00:00:00.000Z","site":{"slug":"b","name":"B","origins":[],"moderation":"open","settings":{}}}}"#.to_owned()
    }

    fn read(text: &str) -> Vec<Result<Line, ParseError>> {
        lines(text.as_bytes(), Limits::default())
            .map(|l| l.map(|(_, line)| line))
            .collect()
    }

    #[test]
    fn an_export_reads_back_line_by_line() {
        let comment = r#"{"comment":{"id":7,"page":"/a","parent":null,"status":"approved","author":"Ann","email":null,"website":null,"source":"hi","score":2,"created":"2026-01-01T10:00:00.123Z","edited":null,"pinned":false}}"#;
        let text = format!("{}\n{{\"page\":{{\"key\":\"/a\",\"title\":\"A\",\"url\":null,\"locked\":false}}}}\n\n{comment}\n", header());
        let got: Vec<Line> = read(&text).into_iter().map(Result::unwrap).collect();
        assert_eq!(got.len(), 3);
        let Line::Comment(c) = &got[2] else {
            panic!("{got:?}")
        };
        let Record::Post(post) = c.clone().into_record().unwrap() else {
            panic!()
        };
        assert_eq!(post.created_ms, Some(1_767_261_600_123));
        assert_eq!(post.source_id, "7");
        let mut out = Vec::new();
        write_line(&mut out, &got[2]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), format!("{comment}\n"));
    }

    #[test]
    fn a_bad_line_is_refused_with_its_number() {
        let text = format!("{}\n{{\"page\":{{\"key\":1}}}}\n", header());
        let err = read(&text).pop().unwrap().unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.column > 0, "{err}");
    }

    #[test]
    fn a_file_must_start_with_a_header_of_a_known_version() {
        let err = read("{\"moderator\":{\"email\":\"a@b.c\"}}\n")[0]
            .clone()
            .unwrap_err();
        assert!(err.message.contains("header"), "{err}");
        let newer = header().replace("\"version\":1", "\"version\":9");
        let err = read(&newer)[0].clone().unwrap_err();
        assert!(err.message.contains("version 9"), "{err}");
        assert!(read("")[0].clone().unwrap_err().message.contains("empty"));
    }

    #[test]
    fn an_overlong_line_is_refused_before_it_is_read_whole() {
        let text = format!("{}\n{}", header(), "x".repeat(100));
        let limits = Limits { max_text_bytes: 40 };
        let got: Vec<_> = lines(text.as_bytes(), limits).collect();
        let got: Vec<_> = got.into_iter().map(|l| l.map(|(_, line)| line)).collect();
        // The header itself is over 80 bytes.
        let err = got[0].clone().unwrap_err();
        assert!(err.message.contains("over 80 bytes"), "{err}");
    }

    #[test]
    fn nothing_comes_after_a_comment_that_cannot_be_one() {
        let bad = r#"{"comment":{"id":1,"page":"/a","parent":null,"status":"hidden","author":"","email":null,"website":null,"source":"","score":0,"created":"2026-01-01T00:00:00Z","edited":null,"pinned":false}}"#;
        let text = format!(
            "{}\n{bad}\n{{\"moderator\":{{\"email\":\"a@b.c\"}}}}\n",
            header()
        );
        let got: Vec<_> = records(text.as_bytes(), Limits::default()).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[1].clone().unwrap_err().line, 2);
    }

    #[test]
    fn unknown_statuses_and_times_are_named() {
        let mut c = CommentLine {
            id: 1,
            page: "/a".into(),
            parent: None,
            status: "hidden".into(),
            author: String::new(),
            email: None,
            website: None,
            source: String::new(),
            score: 0,
            created: "2026-01-01T00:00:00Z".into(),
            edited: None,
            pinned: false,
        };
        assert!(c.clone().into_record().unwrap_err().contains("hidden"));
        c.status = "approved".into();
        c.created = "yesterday".into();
        assert!(c.into_record().unwrap_err().contains("yesterday"));
    }
}
