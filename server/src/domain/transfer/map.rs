//! `confab import --map FILE`: a CSV of `old URL or path,new page key` for
//! pages that moved since the old system saw them. A thread whose link (or
//! that link's path) is listed goes to the new key instead of its own.

use std::collections::HashMap;

use super::ParseError;
use crate::domain::page_key::PageKey;

/// Old links and paths to the page keys they now have.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMap(HashMap<String, PageKey>);

impl PageMap {
    /// Reads the CSV: two fields a row, no header, `#` lines ignored.
    /// A row that is not two fields, or a key that is not a page key, is
    /// refused with its line.
    pub fn parse(csv_text: &str) -> Result<Self, ParseError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .from_reader(csv_text.as_bytes());
        let mut map = HashMap::new();
        for row in reader.records() {
            let row = row.map_err(|e| ParseError {
                line: e.position().map_or(0, csv::Position::line),
                column: 0,
                message: e.to_string(),
            })?;
            let line = row.position().map_or(0, csv::Position::line);
            let fail = |message: String| ParseError {
                line,
                column: 0,
                message,
            };
            let (Some(old), Some(new), None) = (row.get(0), row.get(1), row.get(2)) else {
                return Err(fail(
                    "expected two fields: old URL or path, new page key".into(),
                ));
            };
            let key =
                PageKey::parse(new).map_err(|why| fail(format!("new page key {new:?}: {why}")))?;
            map.insert(old.to_owned(), key);
        }
        Ok(Self(map))
    }

    /// The key `link` moved to: listed as it is, or by its path.
    pub fn get(&self, link: &str) -> Option<&PageKey> {
        let link = link.trim();
        self.0.get(link).or_else(|| {
            let path = PageKey::parse(link).ok()?;
            self.0.get(path.as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_page_is_found_by_its_link_or_its_path() {
        let map = PageMap::parse(
            "# old,new\nhttps://old.example/a?p=1, /new-a\n/b/,/new-b\n\"/c,d\",id-c\n",
        )
        .unwrap();
        assert_eq!(
            map.get("https://old.example/a?p=1").unwrap().as_str(),
            "/new-a"
        );
        assert_eq!(
            map.get("http://other.example/b/").unwrap().as_str(),
            "/new-b"
        );
        assert_eq!(map.get("/c,d").unwrap().as_str(), "id-c");
        assert!(map.get("/elsewhere").is_none());
    }

    #[test]
    fn a_bad_row_is_refused_with_its_line() {
        let err = PageMap::parse("/a,/b\n/c\n").unwrap_err();
        assert_eq!(err.line, 2);
        let err = PageMap::parse("/a,/b\n/c,not a key\n").unwrap_err();
        assert!(err.message.contains("not a key"), "{err}");
        assert_eq!(err.line, 2);
    }
}
