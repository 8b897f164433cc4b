//! The character encoding of web pages and feeds: a BOM, then the bytes themselves when
//! they are UTF-8, then the declarations (HTTP header, `<meta>`), then chardetng's guess
//! (Firefox's detector). Declarations come second because real pages lie: `qq.html`
//! says gb2312 and is UTF-8; a `<meta charset>` may sit after the first kilobyte.

use encoding_rs::Encoding;

/// How far into a page a `<meta charset>` is looked for. Browsers stop at 1,024 bytes;
/// saved pages put scripts and styles first, so Gazette looks further.
const META_SCAN_BYTES: usize = 64 << 10;

/// A UTF-8 page may still carry a few broken sequences (one bad byte from a CMS); so
/// many invalid sequences per valid multi-byte character make it another encoding.
const MAX_BROKEN_UTF8: usize = 3;

/// Decodes a page's bytes to text, given the charset its HTTP response declared, if any,
/// and its host (chardetng weighs the top-level domain). Undecodable bytes become U+FFFD.
pub fn decode_page(bytes: &[u8], http_charset: Option<&str>, host: Option<&str>) -> String {
    encoding_of(bytes, http_charset, host)
        .decode_with_bom_removal(bytes)
        .0
        .into_owned()
}

/// Decodes an XML document (a feed) to UTF-8 text whose declaration says so, for the
/// parser: UTF-16 and UTF-32 found by their BOM or by the zero bytes around `<?`, else as
/// a page (the bytes, then the `encoding` of the declaration, then a guess). Decoding
/// here rather than in the XML parser also reads Big5, EUC-KR and the other multi-byte
/// legacy encodings it refuses.
pub fn decode_xml(bytes: &[u8]) -> String {
    let text = match bytes {
        [0xFF, 0xFE, 0, 0, rest @ ..] => utf32(rest, false),
        [0, 0, 0xFE, 0xFF, rest @ ..] => utf32(rest, true),
        [0, 0, 0, b'<', ..] => utf32(bytes, true),
        [b'<', 0, 0, 0, ..] => utf32(bytes, false),
        [0, b'<', 0, b'?', ..] => encoding_rs::UTF_16BE
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
        [b'<', 0, b'?', 0, ..] => encoding_rs::UTF_16LE
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
        _ => decode_page(bytes, None, None),
    };
    without_declarations(text)
}

/// UTF-32 (which encoding_rs leaves out: the web forbids it), invalid units as U+FFFD.
fn utf32(bytes: &[u8], big_endian: bool) -> String {
    bytes
        .chunks(4)
        .map(|c| {
            let mut unit = [0u8; 4];
            unit[..c.len()].copy_from_slice(c);
            let n = if big_endian {
                u32::from_be_bytes(unit)
            } else {
                u32::from_le_bytes(unit)
            };
            char::from_u32(n).unwrap_or('\u{fffd}')
        })
        .collect()
}

/// The text without XML declarations: it is UTF-8 now, which a parser assumes when none
/// is given. The leading one goes; any other (a damaged or concatenated feed), or a
/// leading one never closed, becomes an ordinary processing instruction: the XML parser
/// panics on a change of encoding once it has started.
fn without_declarations(mut text: String) -> String {
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    // The parser takes `<?xml` followed by anything but a name character as a
    // declaration (`<?xmlhttp:…` included); `<?xml-stylesheet` is an instruction.
    let is_decl = |rest: &str| {
        rest.strip_prefix("<?xml")
            .is_some_and(|after| !after.starts_with(['-', '_', '.']))
    };
    if is_decl(&text) {
        if let Some(end) = text.find("?>") {
            text.drain(..end + 2);
        }
    }
    if !text.contains("<?xml") {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<?xml") {
        out.push_str(&rest[..i]);
        if is_decl(&rest[i..]) {
            out.push_str("<?xml-declaration");
        } else {
            out.push_str("<?xml");
        }
        rest = &rest[i + 5..];
    }
    out.push_str(rest);
    out
}

/// The encoding [`decode_page`] decodes with.
pub fn encoding_of(
    bytes: &[u8],
    http_charset: Option<&str>,
    host: Option<&str>,
) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    let (broken, multibyte) = utf8_quality(bytes);
    if broken == 0 {
        return encoding_rs::UTF_8;
    }
    let declared = http_charset
        .and_then(|c| Encoding::for_label(c.trim().as_bytes()))
        .or_else(|| meta_charset(bytes));
    // Pages almost all UTF-8 but for a broken byte or two are UTF-8, whatever they say:
    // a legacy encoding would have made nearly every non-ASCII letter invalid.
    if broken <= MAX_BROKEN_UTF8 && multibyte >= 10 * broken {
        return encoding_rs::UTF_8;
    }
    match declared {
        // A page declared UTF-8 whose bytes are not: the declaration is the wrong one.
        Some(enc) if enc != encoding_rs::UTF_8 && !is_utf16(enc) => enc,
        _ => guess(bytes, host),
    }
}

/// chardetng's guess over the whole page (UTF-8 excluded: the bytes are not).
fn guess(bytes: &[u8], host: Option<&str>) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // chardetng asserts on a label that is not lower-case ASCII (a host from a URL in a
    // damaged record may be anything): such a label gives no hint.
    let tld = host
        .and_then(|h| h.rsplit('.').next())
        .map(str::to_ascii_lowercase)
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    detector.guess(
        tld.as_deref().map(str::as_bytes),
        chardetng::Utf8Detection::Deny,
    )
}

/// UTF-16 declared in a byte stream without a BOM is a lie the HTML standard ignores.
fn is_utf16(enc: &'static Encoding) -> bool {
    enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE
}

/// (invalid UTF-8 sequences, valid multi-byte characters), counting stopped once the
/// page is plainly not UTF-8.
fn utf8_quality(bytes: &[u8]) -> (usize, usize) {
    // In valid UTF-8 every multi-byte character starts with one byte >= 0xC0.
    let leads = |b: &[u8]| b.iter().filter(|&&b| b >= 0xC0).count();
    let (mut broken, mut multibyte) = (0, 0);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(_) => return (broken, multibyte + leads(rest)),
            Err(e) => {
                multibyte += leads(&rest[..e.valid_up_to()]);
                broken += 1;
                if broken > MAX_BROKEN_UTF8 * 4 {
                    return (broken, multibyte);
                }
                let skip = e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                rest = &rest[e.valid_up_to() + skip..];
            }
        }
    }
}

/// The charset a `<meta charset=…>` or `<meta http-equiv content="…; charset=…">`
/// declares in the first [`META_SCAN_BYTES`], or an XML declaration's `encoding`.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(META_SCAN_BYTES)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    for needle in [&b"charset="[..], &b"encoding="[..]] {
        let mut from = 0;
        while let Some(i) = find(&lower[from..], needle) {
            let start = from + i + needle.len();
            let value = &lower[start..];
            let value = value
                .iter()
                .position(|b| !matches!(b, b'"' | b'\'' | b' '))
                .map_or(&value[..0], |s| &value[s..]);
            let end = value
                .iter()
                .position(|b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                })
                .unwrap_or(value.len());
            if let Some(enc) = Encoding::for_label(&value[..end]) {
                return Some(enc);
            }
            from = start;
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The host of a URL, for the detector's top-level-domain hint.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bytes_win_over_a_wrong_declaration() {
        let page = "<meta charset=gb2312><p>新华社 Київ</p>".as_bytes();
        assert_eq!(encoding_of(page, None, None), encoding_rs::UTF_8);
    }

    #[test]
    fn a_late_meta_and_latin1_as_windows_1252() {
        let mut page = b"<html><head>".to_vec();
        page.extend(std::iter::repeat_n(b' ', 3000));
        page.extend(b"<meta http-equiv=Content-Type content='text/html; charset=ISO-8859-1'>");
        page.extend(b"<p>Stra\xdfe \x93quoted\x94</p>");
        let text = decode_page(&page, None, None);
        assert!(text.contains("Straße “quoted”"), "{text}");
    }

    #[test]
    fn one_broken_byte_keeps_utf8() {
        let mut page = "<p>Зеленський сказав, що Київ і Харків </p>"
            .as_bytes()
            .to_vec();
        page.push(0xff);
        page.extend("ще тримаються.</p>".as_bytes());
        let text = decode_page(&page, Some("windows-1251"), None);
        assert!(text.contains("Київ") && text.contains('\u{fffd}'), "{text}");
    }

    #[test]
    fn undeclared_legacy_bytes_are_guessed() {
        // windows-1250 Polish, no declaration.
        let page = b"<p>Prezydent powiedzia\xb3, \xbfe \xbf\xf3\xb3w i \xbcd\xbcb\xb3o w \xa3odzi s\xb9 \xbfywe.</p>";
        let text = decode_page(page, None, Some("www.rp.pl"));
        assert!(text.contains("powiedział, że"), "{text}");
    }

    #[test]
    fn xml_in_every_unicode_form_and_big5() {
        let xml = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss>Київ</rss>";
        let be: Vec<u8> = xml.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode_xml(&be), "<rss>Київ</rss>");
        let le32: Vec<u8> = [0xFF, 0xFE, 0, 0]
            .into_iter()
            .chain(xml.chars().flat_map(|c| (c as u32).to_le_bytes()))
            .collect();
        assert_eq!(decode_xml(&le32), "<rss>Київ</rss>");
        let big5 = b"<?xml version='1.0' encoding='big5'?><rss>\xa4\xa4\xa4\xe5</rss>";
        assert_eq!(decode_xml(big5), "<rss>中文</rss>");
    }

    #[test]
    fn a_second_declaration_is_no_declaration() {
        let xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><?xml-stylesheet href=\"s.css\"?><rss><?xml version=\"1.0\" encoding=\"utf-16\"?></rss>";
        assert_eq!(
            decode_xml(xml.as_bytes()),
            "<?xml-stylesheet href=\"s.css\"?><rss><?xml-declaration version=\"1.0\" encoding=\"utf-16\"?></rss>"
        );
        assert_eq!(
            encoding_of(b"caf\xe9 \xe9t\xe9", None, Some("EXAMPLE.Fr")),
            encoding_rs::WINDOWS_1252
        );
    }

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://user@www.rp.pl:443/a?b"), Some("www.rp.pl"));
        assert_eq!(host_of("not a url"), None);
    }
}
