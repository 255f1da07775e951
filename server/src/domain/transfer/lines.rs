//! The line splitting of the line-based formats (Confab's JSON Lines,
//! Remark42's backup): one line at a time, each refused before it is held
//! whole once it passes the limit, blank lines skipped, every line
//! numbered for the error that names it. `BufRead::lines` has no bound,
//! so a file of one endless line would fill memory.

use std::io::{BufRead, Read};

use super::ParseError;

pub(super) struct LineReader<R> {
    reader: R,
    /// The longest line read; a format may change it between lines.
    pub limit: usize,
    number: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(reader: R, limit: usize) -> Self {
        Self {
            reader,
            limit,
            number: 0,
            buf: Vec::new(),
        }
    }

    /// An error at the line read last.
    pub fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            line: self.number,
            column: 0,
            message: message.into(),
        }
    }

    /// The next line that is not blank, with its number, or `None` at the
    /// end.
    pub fn next_line(&mut self) -> Option<Result<(u64, &[u8]), ParseError>> {
        loop {
            self.buf.clear();
            self.number += 1;
            let limit = self.limit as u64 + 1;
            let read = (&mut self.reader)
                .take(limit)
                .read_until(b'\n', &mut self.buf);
            match read {
                Ok(0) => return None,
                Ok(n) if n as u64 >= limit && self.buf.last() != Some(&b'\n') => {
                    return Some(Err(
                        self.error(format!("the line is over {} bytes", self.limit))
                    ));
                }
                Ok(_) => {}
                Err(e) => return Some(Err(self.error(format!("cannot read the file: {e}")))),
            }
            if !self.buf.iter().all(u8::is_ascii_whitespace) {
                return Some(Ok((self.number, &self.buf)));
            }
        }
    }
}

/// A JSON error at line `line` of the file.
pub(super) fn json_error(line: u64, e: &serde_json::Error) -> ParseError {
    ParseError {
        line,
        column: e.column() as u64,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_numbered_without_the_blank_ones() {
        let mut lines = LineReader::new("a\n\n  \nb".as_bytes(), 10);
        assert_eq!(lines.next_line().unwrap().unwrap(), (1, &b"a\n"[..]));
        assert_eq!(lines.next_line().unwrap().unwrap(), (4, &b"b"[..]));
        assert!(lines.next_line().is_none());
    }

    #[test]
    fn a_line_past_the_limit_is_refused_with_its_number() {
        let mut lines = LineReader::new("ok\n0123456789abc\n".as_bytes(), 10);
        assert!(lines.next_line().unwrap().is_ok());
        let err = lines.next_line().unwrap().unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("over 10 bytes"), "{err}");
    }
}
