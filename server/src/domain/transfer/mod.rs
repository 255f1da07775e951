//! What an import file holds, whatever its format: threads (pages) and
//! posts (comments), in file order. Each format's reader turns its file
//! into these records as it reads, so a large file never sits in memory;
//! the import service (`transfer.rs`) decides what becomes of each.

mod comentario;
pub mod commento;
pub mod confab;
pub mod disqus;
mod html;
mod lines;
pub mod map;
pub mod remark42;
pub mod resolve;
mod time;
pub mod wxr;
mod xml;

pub use html::to_markdown;

/// One thing read from an import file.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Thread(Thread),
    Post(Post),
    /// The site itself (Confab's own format only).
    Site(confab::SiteLine),
    /// A moderator's e-mail address (Confab's own format only).
    Moderator(String),
}

/// A page that comments belong to.
#[derive(Debug, Clone, PartialEq)]
pub struct Thread {
    /// The format's own id for the thread, which posts refer to.
    pub source_id: String,
    /// The page's URL (or, in Confab's format, its key).
    pub link: String,
    /// Where the page is, when the file says (kept only on the site's
    /// origins).
    pub url: Option<String>,
    pub title: Option<String>,
    pub locked: bool,
}

/// How an imported comment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Approved,
    Pending,
    Spam,
    Deleted,
}

/// A comment, with its body already Markdown source.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// The format's own id: with the format, what makes a re-import find it.
    pub source_id: String,
    /// The `source_id` of its thread.
    pub thread: String,
    /// The `source_id` of the comment it replies to.
    pub parent: Option<String>,
    pub author: String,
    pub email: Option<String>,
    pub website: Option<String>,
    /// Markdown source (HTML bodies are converted by the reader).
    pub body: String,
    /// Unix milliseconds, UTC; `None` when the file gives no date.
    pub created_ms: Option<i64>,
    pub edited_ms: Option<i64>,
    pub status: Status,
    pub score: i64,
    pub pinned: bool,
}

/// Why a file cannot be read, and where: nothing of it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line (for line-based formats, the record number).
    pub line: u64,
    /// 1-based column; 0 when the format has none.
    pub column: u64,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column > 0 {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            )
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for ParseError {}

/// `text` trimmed, or `None` when nothing is left: what every reader keeps
/// of an optional value. Untrimmed text is moved, not copied.
fn non_empty(text: String) -> Option<String> {
    let trimmed = text.trim();
    match trimmed.len() {
        0 => None,
        n if n == text.len() => Some(text),
        _ => Some(trimmed.to_owned()),
    }
}

/// `records` up to and including the first error: a reader's contract is
/// that nothing follows one, whatever state the error left it in.
fn until_error<T>(
    records: impl Iterator<Item = Result<T, ParseError>>,
) -> impl Iterator<Item = Result<T, ParseError>> {
    records.scan(false, |failed, record| {
        if *failed {
            return None;
        }
        *failed = record.is_err();
        Some(record)
    })
}

/// Bounds on what one file may make the reader hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The longest text of one element (a message, a name): past it the
    /// file is refused, so one huge element cannot fill memory.
    pub max_text_bytes: usize,
}

impl Limits {
    /// The largest document or line read whole that lists a whole site
    /// (Commento's export, Remark42's meta line): far past any real one,
    /// and bounded so that a hostile file cannot fill memory.
    fn max_document_bytes(self) -> usize {
        self.max_text_bytes.saturating_mul(64)
    }

    /// The longest line of a line-based format (Confab's, Remark42's
    /// comments): one record, whose texts are each within the limit.
    fn max_line_bytes(self) -> usize {
        self.max_text_bytes.saturating_mul(2)
    }

    /// Why the comment `id` is refused, when one of its `texts` is over
    /// the text limit.
    fn check_texts(self, id: &str, texts: &[&str]) -> Result<(), String> {
        let longest = self.max_text_bytes;
        match texts.iter().any(|t| t.len() > longest) {
            true => Err(format!("comment {id:?}: a text is over {longest} bytes")),
            false => Ok(()),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_text_bytes: 1 << 20,
        }
    }
}
