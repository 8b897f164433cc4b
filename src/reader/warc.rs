//! Web archives: WARC (0.17 to 1.1, plain or gzip per record) and the older ARC. One
//! article per HTML `response` or `resource` capture, read in bounded memory; the same
//! URL captured twice is one article, the latest capture. Written here rather than taken
//! from the `warc` crate: real crawls hold truncated and malformed records, and the
//! reader must report one and go on to the next (the crate stops), must read ARC, and
//! must not buffer a block line by line.

use std::collections::HashMap;
use std::io::{self, BufRead, Read};
use std::path::Path;

use super::html::{parse_page, PageHint};
use super::{decode, Article, Skipped};
use crate::error::Error;

/// Largest record block read whole (an HTML page with its HTTP head, as stored); larger
/// ones are reported and skipped, streamed past.
pub const MAX_RECORD_BYTES: u64 = 32 << 20;
/// Longest header line; a longer one is not a header (a block whose length was wrong).
const MAX_LINE: usize = 64 << 10;
/// How much of a response block the first pass reads to learn its HTTP status and type.
const HEAD_PEEK: u64 = 16 << 10;

/// Reads every HTML capture of a web archive. Two passes over the (decompressed) stream:
/// the first reads heads only, to find each URL's latest capture; the second extracts
/// those. Memory holds one record and a hash per captured URL, whatever the file's size.
pub fn read_warc(path: &Path, sink: &mut dyn FnMut(Article), skipped: &mut Skipped) -> Vec<Error> {
    let mut errors = Vec::new();
    // Pass 1: the latest capture of each URL (by WARC-Date, then by position).
    // 16 bytes per URL (hash → date, record), whatever the file's size.
    let mut latest: HashMap<u64, (u64, u32)> = HashMap::new();
    // Its errors are met again, and reported, by the second pass.
    let mut first_pass_errors = Vec::new();
    let _ = each_record(path, &mut first_pass_errors, &mut |records, head| {
        if head.kind != Kind::Capture {
            return records.skip_block(head.length);
        }
        let peek = records.read_block(head.length.min(HEAD_PEEK))?;
        records.skip_block(head.length - peek.len() as u64)?;
        if page_of(&head, &peek, true).is_ok() {
            let key = xxhash_rust::xxh3::xxh3_64(head.uri.as_deref().unwrap_or("").as_bytes());
            let date = date_key(head.date.as_deref());
            match latest.get(&key) {
                Some((d, _)) if *d > date => {}
                _ => {
                    latest.insert(key, (date, head.number as u32));
                }
            }
        }
        Ok(())
    });
    // Pass 2: extract the latest captures; report everything else once.
    let result = each_record(path, &mut errors, &mut |records, head| {
        if let Kind::Other(k) = head.kind {
            *skipped.entry(k).or_default() += 1;
            return records.skip_block(head.length);
        }
        if head.length > MAX_RECORD_BYTES {
            records.errors.push(records.error(
                head.number,
                format!(
                    "a {} MB record is too large for a page; skipped",
                    head.length >> 20
                ),
            ));
            return records.skip_block(head.length);
        }
        let block = records.read_block(head.length)?;
        if (block.len() as u64) < head.length {
            // The file ends here: what the decompressor says next is the same fact.
            records.ended = true;
            records.errors.push(records.error(
                head.number,
                format!(
                    "truncated record: {} of {} bytes ({})",
                    block.len(),
                    head.length,
                    records.cut_short()
                ),
            ));
            return Ok(());
        }
        let page = match page_of(&head, &block, false) {
            Ok(p) => p,
            Err(why) => {
                *skipped.entry(why).or_default() += 1;
                return Ok(());
            }
        };
        let uri = head.uri.as_deref().unwrap_or("");
        let key = xxhash_rust::xxh3::xxh3_64(uri.as_bytes());
        if latest
            .get(&key)
            .is_some_and(|(_, n)| *n != head.number as u32)
        {
            *skipped.entry("earlier capture").or_default() += 1;
            return Ok(());
        }
        let id = if uri.is_empty() {
            format!("{}#record{}", path.display(), head.number)
        } else {
            uri.to_string()
        };
        let hint = PageHint {
            url: head.uri.as_deref(),
            date: head.date.as_deref(),
            http_charset: page.charset.as_deref(),
        };
        match parse_page(path, &id, &page.body, hint) {
            Ok(mut a) => {
                a.captured = head.date.as_deref().map(super::html::normalise_date);
                if a.url.is_none() {
                    a.url = head.uri.clone();
                }
                sink(a);
            }
            Err(_) => *skipped.entry("page without text").or_default() += 1,
        }
        Ok(())
    });
    if let Err(e) = result {
        errors.push(e);
    }
    errors
}

/// A WARC-Date as a number that orders as the dates do: its first 14 digits
/// (`2024-05-02T10:00:00Z` → 20240502100000), a shorter date padded with zeros.
fn date_key(date: Option<&str>) -> u64 {
    let digits: Vec<u64> = date
        .unwrap_or("")
        .bytes()
        .filter(u8::is_ascii_digit)
        .take(14)
        .map(|d| u64::from(d - b'0'))
        .collect();
    let n = digits.iter().fold(0u64, |n, d| n * 10 + d);
    n * 10u64.pow(14 - digits.len() as u32)
}

/// What a record holds, for Gazette.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A `response` or `resource` record (an ARC record): maybe a page.
    Capture,
    /// Another record type, skipped and counted under this name.
    Other(&'static str),
}

/// One record's header.
#[derive(Debug)]
struct Head {
    /// 1-based position in the file.
    number: usize,
    kind: Kind,
    /// WARC-Target-URI, without the angle brackets some writers put around it.
    uri: Option<String>,
    /// WARC-Date (ARC: the 14-digit date, as ISO 8601).
    date: Option<String>,
    /// The record's own Content-Type (`application/http; msgtype=response`, `text/html`).
    content_type: Option<String>,
    /// A `response` record holds an HTTP response; a `resource` record the document.
    http: bool,
    length: u64,
}

/// The stream of records of one file, with the errors met in it.
struct Records<'e> {
    reader: Box<dyn BufRead>,
    path: &'e Path,
    errors: &'e mut Vec<Error>,
    number: usize,
    arc: bool,
    /// The file was found to end inside a record: nothing follows.
    ended: bool,
    /// The stream error that ended it, if it was not a plain end of file.
    cut: Option<String>,
    /// The last header was reported unusable: the bytes up to the next record are its
    /// block, already accounted for.
    resyncing: bool,
}

impl Records<'_> {
    fn error(&self, record: usize, reason: String) -> Error {
        Error::Record {
            path: self.path.to_path_buf(),
            record,
            reason,
        }
    }

    /// The next record's header; `None` at the end of the file. Blank lines and bytes
    /// that are not a record (a block longer than its Content-Length said) are passed
    /// over until a line that starts a record, and reported.
    fn next_head(&mut self) -> io::Result<Option<Head>> {
        if self.ended {
            return Ok(None);
        }
        let mut line = Vec::new();
        let mut garbage = 0u64;
        loop {
            line.clear();
            let n = read_line(&mut self.reader, &mut line)?;
            if n == 0 {
                if garbage > 0 && !self.resyncing {
                    let e = self.error(
                        self.number + 1,
                        format!("{garbage} bytes at the end of the file are no record"),
                    );
                    self.errors.push(e);
                }
                return Ok(None);
            }
            let text = trim_eol(&line);
            if text.is_empty() {
                continue;
            }
            if self.number == 0 && garbage == 0 && text.starts_with(b"filedesc://") {
                self.arc = true;
            }
            let starts_record = if self.arc {
                arc_line(text).is_some()
            } else {
                text.starts_with(b"WARC/")
            };
            if starts_record {
                break;
            }
            garbage += n as u64;
        }
        self.number += 1;
        let quiet = std::mem::take(&mut self.resyncing);
        if garbage > 0 && !quiet {
            let e = self.error(
                self.number,
                format!(
                    "{garbage} bytes before it are no record (a wrong Content-Length?); skipped"
                ),
            );
            self.errors.push(e);
        }
        if self.arc {
            return Ok(Some(self.arc_head(trim_eol(&line))?));
        }
        self.warc_head().map(Some)
    }

    fn warc_head(&mut self) -> io::Result<Head> {
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut line = Vec::new();
        loop {
            line.clear();
            if read_line(&mut self.reader, &mut line)? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the file ends inside a record header",
                ));
            }
            let text = trim_eol(&line);
            if text.is_empty() {
                break;
            }
            let text = String::from_utf8_lossy(text);
            if text.starts_with([' ', '\t']) {
                if let Some(last) = headers.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(text.trim());
                }
                continue;
            }
            if let Some((name, value)) = text.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
            if headers.len() > 1000 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "over 1,000 header lines",
                ));
            }
        }
        let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
        let length = get("content-length")
            .and_then(|l| l.parse::<u64>().ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "no valid Content-Length"))?;
        let kind_name = get("warc-type").unwrap_or_default().to_ascii_lowercase();
        let kind = match kind_name.as_str() {
            "response" | "resource" => Kind::Capture,
            "request" => Kind::Other("request"),
            "metadata" => Kind::Other("metadata"),
            "revisit" => Kind::Other("revisit"),
            "warcinfo" => Kind::Other("warcinfo"),
            "conversion" => Kind::Other("conversion"),
            "continuation" => Kind::Other("continuation"),
            _ => Kind::Other("unknown record type"),
        };
        let uri = get("warc-target-uri").map(|u| {
            u.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        });
        Ok(Head {
            number: self.number,
            kind,
            uri,
            date: get("warc-date"),
            content_type: get("content-type"),
            http: kind_name == "response",
            length,
        })
    }

    /// An ARC record line: `URL IP DATE TYPE LENGTH` (v1) or with more fields (v2).
    fn arc_head(&mut self, line: &[u8]) -> io::Result<Head> {
        let fields = arc_line(line)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "not an ARC record line"))?;
        let filedesc = fields.url.starts_with("filedesc://");
        Ok(Head {
            number: self.number,
            kind: if filedesc {
                Kind::Other("warcinfo")
            } else {
                Kind::Capture
            },
            uri: Some(fields.url),
            date: fields.date,
            content_type: Some(fields.content_type),
            http: fields.http,
            length: fields.length,
        })
    }

    /// Up to `len` bytes of the current block: fewer when the file ends first, or when
    /// its compressed stream breaks (a truncated gzip member); then nothing follows, and
    /// the caller reports the short block with [`Records::cut_short`].
    fn read_block(&mut self, len: u64) -> io::Result<Vec<u8>> {
        let mut block = Vec::with_capacity(len.min(1 << 20) as usize);
        if let Err(e) = (&mut self.reader).take(len).read_to_end(&mut block) {
            self.ended = true;
            self.cut = Some(e.to_string());
        }
        Ok(block)
    }

    /// Why the last short block is short.
    fn cut_short(&self) -> String {
        match &self.cut {
            Some(why) => format!("the file ends inside it: {why}"),
            None => "the file ends inside it".to_string(),
        }
    }

    fn skip_block(&mut self, len: u64) -> io::Result<()> {
        match io::copy(&mut (&mut self.reader).take(len), &mut io::sink()) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Calls `each` for every record head of the file, which must consume the block (read or
/// skip it). A record whose header cannot be read is reported and the reader moves to
/// the next record; a read error of the stream itself (corrupt compression) ends the file.
fn each_record(
    path: &Path,
    errors: &mut Vec<Error>,
    each: &mut dyn FnMut(&mut Records, Head) -> io::Result<()>,
) -> Result<(), Error> {
    let reader = decode::open(path)?;
    let mut records = Records {
        reader,
        path,
        errors,
        number: 0,
        arc: false,
        ended: false,
        cut: None,
        resyncing: false,
    };
    loop {
        match records.next_head() {
            Ok(Some(head)) => {
                let n = head.number;
                if let Err(e) = each(&mut records, head) {
                    return Err(records.error(n, stream_reason(&e)));
                }
            }
            Ok(None) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                // A header without a usable length: look for the next record.
                let err = records.error(records.number, format!("{e}; skipped"));
                records.errors.push(err);
                records.resyncing = true;
            }
            Err(e) => return Err(records.error(records.number.max(1), stream_reason(&e))),
        }
    }
}

fn stream_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => format!("truncated file: {e}"),
        _ => format!("unreadable: {e}"),
    }
}

/// The fields of an ARC record line.
struct ArcLine {
    url: String,
    date: Option<String>,
    content_type: String,
    http: bool,
    length: u64,
}

fn arc_line(line: &[u8]) -> Option<ArcLine> {
    let text = std::str::from_utf8(line).ok()?;
    let fields: Vec<&str> = text.split(' ').collect();
    if fields.len() < 5 {
        return None;
    }
    let url = fields[0];
    if !(url.contains("://") || url.starts_with("filedesc:")) {
        return None;
    }
    let length = fields.last()?.parse().ok()?;
    let d = fields[2];
    let date = (d.len() >= 14 && d.bytes().all(|b| b.is_ascii_digit())).then(|| {
        format!(
            "{}-{}-{}T{}:{}:{}Z",
            &d[0..4],
            &d[4..6],
            &d[6..8],
            &d[8..10],
            &d[10..12],
            &d[12..14]
        )
    });
    Some(ArcLine {
        url: url.to_string(),
        date,
        content_type: fields[3].to_string(),
        http: url.starts_with("http"),
        length,
    })
}

/// A capture's page: the payload (HTTP head removed, transfer and content encodings
/// undone) and its declared charset.
struct Page {
    body: Vec<u8>,
    charset: Option<String>,
}

/// The page a capture holds, or why it is not one (the reason it is counted under).
/// With `peek`, the block may be only its start: the status and type decide.
fn page_of(head: &Head, block: &[u8], peek: bool) -> Result<Page, &'static str> {
    if !head.http {
        let ct = head.content_type.as_deref().unwrap_or("");
        if !is_page(ct, block) {
            return Err("not HTML");
        }
        return Ok(Page {
            body: if peek { Vec::new() } else { block.to_vec() },
            charset: charset_param(ct),
        });
    }
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    let body_start = match response.parse(block) {
        Ok(httparse::Status::Complete(n)) => n,
        _ => return Err("not an HTTP response"),
    };
    if !matches!(response.code, Some(200..=299)) {
        return Err("not a 2xx response");
    }
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase())
    };
    let ct = header("content-type").unwrap_or_default();
    let payload = &block[body_start..];
    if !is_page(&ct, payload) {
        return Err("not HTML");
    }
    if peek {
        return Ok(Page {
            body: Vec::new(),
            charset: None,
        });
    }
    let mut body = payload.to_vec();
    if header("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        // Some writers store the body de-chunked and keep the header: then it stays.
        if let Some(d) = dechunk(&body) {
            body = d;
        }
    }
    if let Some(enc) = header("content-encoding") {
        // The header may be false (the crawler stored the body decoded, as Common Crawl
        // and ClueWeb do): the bytes decide, and undecodable ones stay as they are.
        if let Some(d) = undo_content_encoding(&enc, &body) {
            body = d;
        }
    }
    Ok(Page {
        body,
        charset: charset_param(&ct),
    })
}

/// HTML by its declared type, or by its first bytes when no type is given.
fn is_page(content_type: &str, bytes: &[u8]) -> bool {
    is_html_type(content_type) || (content_type.is_empty() && looks_like_html(bytes))
}

fn is_html_type(ct: &str) -> bool {
    let ct = ct.to_ascii_lowercase();
    ct.starts_with("text/html") || ct.starts_with("application/xhtml")
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let start = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = start.iter().map(u8::to_ascii_lowercase).collect();
    lower.windows(5).any(|w| w == b"<html" || w == b"<!doc")
}

fn charset_param(ct: &str) -> Option<String> {
    let i = ct.to_ascii_lowercase().find("charset=")?;
    let v = ct[i + 8..].trim_matches(|c| c == '"' || c == '\'' || c == ' ');
    let v = v.split([';', ' ', '"']).next()?;
    (!v.is_empty()).then(|| v.to_string())
}

/// Undoes chunked transfer coding; `None` when the bytes are not chunked after all.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let eol = data.iter().position(|&b| b == b'\n')?;
        let size_line = std::str::from_utf8(&data[..eol]).ok()?.trim();
        let size_hex = size_line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        data = &data[eol + 1..];
        if size == 0 {
            return Some(out);
        }
        if data.len() < size {
            // The last chunk cut short by a truncated capture: keep what there is.
            out.extend_from_slice(data);
            return Some(out);
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size..];
        data = data
            .strip_prefix(b"\r\n")
            .or_else(|| data.strip_prefix(b"\n"))
            .unwrap_or(data);
        if data.is_empty() {
            return Some(out);
        }
    }
}

/// gzip, deflate or brotli decoded, bounded; `None` when the bytes are not so encoded.
fn undo_content_encoding(encoding: &str, body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let limit = MAX_RECORD_BYTES * 2;
    let ok = |r: io::Result<u64>, out: Vec<u8>| r.ok().filter(|_| !out.is_empty()).map(|_| out);
    if body.starts_with(&[0x1f, 0x8b]) {
        let r = flate2::read::MultiGzDecoder::new(body)
            .take(limit)
            .read_to_end(&mut out)
            .map(|n| n as u64);
        return ok(r, out);
    }
    match encoding {
        "deflate" => {
            let r = flate2::read::ZlibDecoder::new(body)
                .take(limit)
                .read_to_end(&mut out)
                .map(|n| n as u64);
            ok(r, out)
        }
        "br" => {
            let r = brotli_decompressor::Decompressor::new(body, 4096)
                .take(limit)
                .read_to_end(&mut out)
                .map(|n| n as u64);
            // A body that was stored decoded is (almost never) valid brotli.
            ok(r, out).filter(|_| !looks_like_html(body))
        }
        _ => None,
    }
}

/// Reads one line (up to and including `\n`), at most [`MAX_LINE`] bytes of it kept: the
/// rest of a longer line is passed over. Returns the bytes consumed.
fn read_line(reader: &mut dyn BufRead, line: &mut Vec<u8>) -> io::Result<usize> {
    let mut consumed = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(consumed);
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let room = MAX_LINE.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let n = chunk.len();
        reader.consume(n);
        consumed += n;
        if done {
            return Ok(consumed);
        }
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies() {
        assert_eq!(
            dechunk(b"4\r\nWiki\r\n5;x=1\r\npedia\r\n0\r\n\r\n").unwrap(),
            b"Wikipedia"
        );
        assert!(dechunk(b"<html>not chunked</html>").is_none());
    }

    #[test]
    fn capture_dates_order() {
        let k = |d| date_key(Some(d));
        assert!(k("2024-05-02T10:00:00.5Z") > k("2024-05-02T09:59:59Z"));
        assert!(k("2024-05-02") < k("2024-05-02T00:00:01Z"));
        assert_eq!(date_key(None), 0);
    }

    #[test]
    fn arc_lines() {
        let l =
            arc_line(b"http://example.com/ 93.184.216.119 20140216050221 text/html 1591").unwrap();
        assert_eq!(l.date.as_deref(), Some("2014-02-16T05:02:21Z"));
        assert_eq!(l.length, 1591);
        assert!(arc_line(b"<html> some text here now").is_none());
    }

    #[test]
    fn charset_params() {
        assert_eq!(
            charset_param("text/html; charset=\"ISO-8859-2\""),
            Some("ISO-8859-2".into())
        );
        assert_eq!(charset_param("text/html"), None);
    }
}
