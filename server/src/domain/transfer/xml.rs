//! The XML reading the Disqus and WordPress readers share: quick-xml's
//! events as elements opened and closed with their text, with what an
//! import must refuse refused (DTDs, unknown entities, oversized text, deep
//! nesting) and byte offsets turned into lines and columns.

use std::io::{self, BufRead, Read};

use quick_xml::encoding::EncodingError;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesRef, BytesStart, Event as XmlEvent};
use quick_xml::{Decoder, Reader, XmlVersion};

use super::{Limits, ParseError};

/// Deeper than either format nests (Disqus: 4, WXR: 6); past it the file is
/// refused, so a file of nothing but open tags cannot grow the stack of
/// open elements without end.
const MAX_DEPTH: usize = 64;

/// What one event's markup (a tag and its attributes, a comment) may add to
/// `max_text_bytes` before the file is refused: quick-xml holds a whole
/// event in memory, so every event has to be bounded, not just text.
const MARKUP_SLACK: u64 = 64 * 1024;

/// A place in the file: 1-based line, and 1-based column counted in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in super::super) struct Position {
    pub line: u64,
    pub column: u64,
}

impl Position {
    pub fn error(self, message: impl Into<String>) -> ParseError {
        ParseError {
            line: self.line,
            column: self.column,
            message: message.into(),
        }
    }
}

/// One attribute, its value unescaped.
#[derive(Debug)]
pub(in super::super) struct Attr {
    /// Whether its name has a namespace prefix (`dsq:id`, not `id`).
    pub prefixed: bool,
    pub local: String,
    pub value: String,
}

/// What the reader saw, elements by local name (namespaces unresolved).
#[derive(Debug)]
pub(in super::super) enum Event {
    Open {
        name: String,
        /// 1 for the root element.
        depth: usize,
        attrs: Vec<Attr>,
        at: Position,
    },
    Close {
        name: String,
        depth: usize,
        /// The text since the last tag, entities resolved and CDATA
        /// included: for an element with no child elements, all its text.
        text: String,
        /// Where its start tag is.
        at: Position,
    },
    /// The root element closed and the file ended.
    End,
}

pub(in super::super) struct XmlReader<R> {
    reader: Reader<Counting<R>>,
    buf: Vec<u8>,
    open: Vec<(String, Position)>,
    text: String,
    limit: usize,
    /// The close of an empty element (`<x/>`), given after its open.
    pending: Option<Event>,
    root_closed: bool,
}

impl<R: BufRead> XmlReader<R> {
    pub fn new(reader: R, limits: Limits) -> Self {
        let cap = (limits.max_text_bytes as u64).saturating_add(MARKUP_SLACK);
        let mut reader = Reader::from_reader(Counting {
            inner: reader,
            seen: Seen {
                cap,
                ..Seen::default()
            },
        });
        // quick-xml's default, relied on: a broken file is refused.
        reader.config_mut().check_end_names = true;
        Self {
            reader,
            buf: Vec::new(),
            open: Vec::new(),
            text: String::new(),
            limit: limits.max_text_bytes,
            pending: None,
            root_closed: false,
        }
    }

    /// The next element opened or closed, or the end of the file.
    pub fn next_event(&mut self) -> Result<Event, ParseError> {
        if let Some(event) = self.pending.take() {
            return Ok(event);
        }
        loop {
            self.buf.clear();
            self.reader.get_mut().seen.mark();
            let start = self.position(self.reader.buffer_position());
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(e) => return Err(self.xml_error(e)),
            };
            let empty = matches!(event, XmlEvent::Empty(_));
            match event {
                XmlEvent::Start(tag) | XmlEvent::Empty(tag) => {
                    let element = element(&tag, self.reader.decoder(), start);
                    drop(tag); // frees `buf` for `open`
                    return self.open(element?, start, empty);
                }
                XmlEvent::End(_) => return self.close(),
                XmlEvent::Text(text) => {
                    let text = text.xml10_content().map_err(|e| undecodable(e, start))?;
                    push_text(&mut self.text, &text, self.limit, start)?;
                }
                XmlEvent::CData(text) => {
                    let text = text.xml10_content().map_err(|e| undecodable(e, start))?;
                    push_text(&mut self.text, &text, self.limit, start)?;
                }
                XmlEvent::GeneralRef(name) => {
                    let text = resolve(&name).map_err(|message| start.error(message))?;
                    push_text(&mut self.text, &text, self.limit, start)?;
                }
                // A DTD is where entities are declared: without one none
                // can be expanded, whatever the file then refers to (XXE,
                // "billion laughs"), so a file that has one is refused.
                XmlEvent::DocType(_) => {
                    return Err(start.error("DTDs are not accepted (no entities are expanded)"))
                }
                XmlEvent::Decl(_) | XmlEvent::PI(_) | XmlEvent::Comment(_) => {}
                XmlEvent::Eof => return self.end(start),
            }
        }
    }

    fn open(
        &mut self,
        (name, attrs): (String, Vec<Attr>),
        at: Position,
        empty: bool,
    ) -> Result<Event, ParseError> {
        if self.root_closed {
            return Err(at.error("there is more after the root element's end"));
        }
        if self.open.len() >= MAX_DEPTH {
            return Err(at.error(format!("elements are nested over {MAX_DEPTH} deep")));
        }
        self.text.clear();
        self.open.push((name.clone(), at));
        let depth = self.open.len();
        if empty {
            self.pending = Some(self.close()?);
        }
        Ok(Event::Open {
            name,
            depth,
            attrs,
            at,
        })
    }

    fn close(&mut self) -> Result<Event, ParseError> {
        let depth = self.open.len();
        // quick-xml checks that end tags match, so one is open.
        let Some((name, at)) = self.open.pop() else {
            let here = self.position(self.reader.buffer_position());
            return Err(here.error("an end tag closes nothing"));
        };
        self.root_closed = self.open.is_empty();
        Ok(Event::Close {
            name,
            depth,
            text: std::mem::take(&mut self.text),
            at,
        })
    }

    fn end(&mut self, here: Position) -> Result<Event, ParseError> {
        match self.open.last() {
            Some((name, _)) => Err(here.error(format!("the file ends inside <{name}>"))),
            None if !self.root_closed => Err(here.error("the file has no root element")),
            None => Ok(Event::End),
        }
    }

    fn position(&self, offset: u64) -> Position {
        self.reader.get_ref().seen.position(offset)
    }

    fn xml_error(&self, error: quick_xml::Error) -> ParseError {
        let seen = &self.reader.get_ref().seen;
        if let quick_xml::Error::Io(io) = &error {
            let here = self.position(self.reader.buffer_position());
            return match io.get_ref().and_then(|e| e.downcast_ref::<Oversized>()) {
                Some(_) if seen.began_as_text() => here.error(over_limit(self.limit)),
                Some(_) => here.error(format!("markup is over {} bytes", seen.cap)),
                None => here.error(format!("the file cannot be read: {io}")),
            };
        }
        let at = match error {
            quick_xml::Error::Syntax(_) | quick_xml::Error::IllFormed(_) => {
                self.reader.error_position()
            }
            _ => self.reader.buffer_position(),
        };
        self.position(at).error(format!("malformed XML: {error}"))
    }
}

/// A start tag's local name and attributes, values unescaped.
fn element(
    tag: &BytesStart<'_>,
    decoder: Decoder,
    at: Position,
) -> Result<(String, Vec<Attr>), ParseError> {
    let decode = |bytes: &[u8]| match decoder.decode(bytes) {
        Ok(text) => Ok(text.into_owned()),
        Err(e) => Err(undecodable(e, at)),
    };
    let name = decode(tag.local_name().as_ref())?;
    let mut attrs = Vec::new();
    for attr in tag.attributes() {
        let attr = attr.map_err(|e| at.error(format!("malformed attribute: {e}")))?;
        let value = attr
            .decoded_and_normalized_value(XmlVersion::Implicit1_0, decoder)
            .map_err(|e| at.error(format!("attribute of <{name}>: {e}")))?;
        attrs.push(Attr {
            prefixed: attr.key.prefix().is_some(),
            local: decode(attr.key.local_name().as_ref())?,
            value: value.into_owned(),
        });
    }
    Ok((name, attrs))
}

fn over_limit(limit: usize) -> String {
    format!("element text is over {limit} bytes")
}

/// Adds text to what the open element holds, refusing it past the limit
/// before it is stored, so memory stays bounded.
fn push_text(text: &mut String, more: &str, limit: usize, at: Position) -> Result<(), ParseError> {
    if text.len().saturating_add(more.len()) > limit {
        return Err(at.error(over_limit(limit)));
    }
    text.push_str(more);
    Ok(())
}

/// `&#233;`, `&#xE9;` and XML's five named entities; any other name is
/// declared nowhere (no DTD is read), so it is an error, not text to keep.
fn resolve(reference: &BytesRef<'_>) -> Result<String, String> {
    let name = reference.decode().map_err(|e| e.to_string())?;
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) => Ok(c.to_string()),
            _ => Err(format!("&{name}; is not a character")),
        };
    }
    resolve_xml_entity(&name)
        .map(str::to_owned)
        .ok_or_else(|| format!("unknown entity &{name}; (only XML's own are accepted)"))
}

/// Bytes that are not text in the file's encoding (UTF-8 unless its XML
/// declaration names another, which quick-xml's `encoding` feature reads).
fn undecodable(error: EncodingError, at: Position) -> ParseError {
    at.error(format!("the text cannot be decoded: {error}"))
}

/// Why the reader stopped the file: one event over `Seen::cap`.
#[derive(Debug)]
struct Oversized;

impl std::error::Error for Oversized {}

impl std::fmt::Display for Oversized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("event over the size limit")
    }
}

/// The file as quick-xml reads it, counting what it consumes.
struct Counting<R> {
    inner: R,
    seen: Seen,
}

/// What has been consumed: where each line starts (for positions) and how
/// long the current event is (to cap it). The file is streamed, so only the
/// current event's line starts are kept: quick-xml reports errors at or
/// after the start of the event it is reading.
#[derive(Default)]
struct Seen {
    offset: u64,
    /// Where the current event starts.
    mark: u64,
    /// Lines wholly before the mark's line, and where the mark's line starts.
    lines_before_mark: u64,
    mark_line_start: u64,
    /// Offsets just after each newline since the mark.
    line_starts: Vec<u64>,
    /// The first bytes of the current event, to tell text from markup.
    head: [u8; 9],
    head_len: usize,
    cap: u64,
}

impl Seen {
    /// Starts a new event at the current offset.
    fn mark(&mut self) {
        self.lines_before_mark += self.line_starts.len() as u64;
        if let Some(&last) = self.line_starts.last() {
            self.mark_line_start = last;
        }
        self.line_starts.clear();
        self.mark = self.offset;
        self.head_len = 0;
    }

    /// Line and column of an offset in the current event (earlier offsets
    /// are read as the event's start).
    fn position(&self, offset: u64) -> Position {
        let offset = offset.clamp(self.mark, self.offset);
        let after = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = match after {
            0 => self.mark_line_start,
            n => self.line_starts[n - 1],
        };
        Position {
            line: self.lines_before_mark + after as u64 + 1,
            column: offset - line_start + 1,
        }
    }

    /// Whether the current event is text or CDATA rather than a tag.
    fn began_as_text(&self) -> bool {
        let head = &self.head[..self.head_len];
        !head.starts_with(b"<") || head.starts_with(b"<![CDATA[")
    }

    fn count(&mut self, consumed: &[u8]) {
        let room = (self.head.len() - self.head_len).min(consumed.len());
        self.head[self.head_len..self.head_len + room].copy_from_slice(&consumed[..room]);
        self.head_len += room;
        let newlines = consumed.iter().enumerate().filter(|(_, &b)| b == b'\n');
        for (i, _) in newlines {
            self.line_starts.push(self.offset + i as u64 + 1);
        }
        self.offset += consumed.len() as u64;
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let used = self.seen.offset - self.seen.mark;
        if used > self.seen.cap {
            return Err(io::Error::other(Oversized));
        }
        // Never more than one byte past the cap, however much the inner
        // reader holds, so quick-xml cannot copy a whole huge event at once.
        let room = usize::try_from(self.seen.cap - used + 1).unwrap_or(usize::MAX);
        let buf = self.inner.fill_buf()?;
        Ok(&buf[..buf.len().min(room)])
    }

    fn consume(&mut self, amt: usize) {
        // The bytes consumed are still buffered: this reads nothing new.
        if let Ok(buf) = self.inner.fill_buf() {
            self.seen.count(&buf[..amt.min(buf.len())]);
        }
        self.inner.consume(amt);
    }
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let buf = self.fill_buf()?;
        let n = buf.len().min(out.len());
        out[..n].copy_from_slice(&buf[..n]);
        self.consume(n);
        Ok(n)
    }
}
