//! Sentence spans of a body, long sentences split so that none exceeds a passage.

/// Sentence spans of `text`, long sentences split at spaces so that none exceeds
/// `max_chars` characters; never inside a character, and inside a word only when a
/// "word" is longer than the limit.
pub fn sentences(text: &str, max_chars: usize) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (from, to) in sentence_bounds(text) {
        let mut from = from;
        loop {
            let rest = &text[from..to];
            let n = rest.chars().count();
            if n <= max_chars {
                out.push((from, to, n));
                break;
            }
            // Cut at the last whitespace before the limit (or at the limit if none).
            let limit_byte = rest
                .char_indices()
                .nth(max_chars)
                .map_or(rest.len(), |(b, _)| b);
            let cut = rest[..limit_byte]
                .rfind(char::is_whitespace)
                .filter(|&b| b > 0)
                .unwrap_or(limit_byte);
            let piece = rest[..cut].trim_end();
            out.push((from, from + piece.len(), piece.chars().count()));
            let next = &rest[cut..];
            from += cut + (next.len() - next.trim_start().len());
            if from >= to {
                break;
            }
        }
    }
    out
}

/// Sentence boundaries of news text, trimmed of surrounding whitespace: a sentence ends
/// at a line break, or after `.` `!` `?` `…` (and their CJK forms, and any closing quotes
/// or brackets after them) followed by whitespace and something other than a lower-case
/// letter ("3.5 per cent" and "approx. five" do not end one). These are the rules of
/// Unicode sentence boundaries (UAX #29) that news text exercises; one pass over the
/// characters, where `unicode-segmentation`'s full state machine took a quarter of a
/// search's time.
fn sentence_bounds(text: &str) -> Vec<(usize, usize)> {
    // Bytes, not chars: every terminator and closer is ASCII or a three-byte (two for
    // `»`) sequence whose lead byte no continuation byte equals, so stepping byte by byte
    // never matches inside a character.
    fn terminator_len(b: &[u8]) -> usize {
        match b {
            [b'.' | b'!' | b'?', ..] => 1,
            // … 。 ！ ？
            [0xE2, 0x80, 0xA6, ..] | [0xE3, 0x80, 0x82, ..] | [0xEF, 0xBC, 0x81 | 0x9F, ..] => 3,
            _ => 0,
        }
    }
    fn closer_len(b: &[u8]) -> usize {
        match b {
            [b'"' | b'\'' | b')' | b']', ..] => 1,
            // ” ’
            [0xE2, 0x80, 0x9D | 0x99, ..] => 3,
            // »
            [0xC2, 0xBB, ..] => 2,
            _ => 0,
        }
    }
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut push = |from: usize, to: usize| {
        let piece = &text[from..to];
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim_end().len();
        if lead < trimmed {
            out.push((from + lead, from + trimmed));
        }
    };
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skip straight to the next byte that may begin a line break or a terminator.
        match bytes[i..]
            .iter()
            .position(|&b| matches!(b, b'\n' | b'.' | b'!' | b'?' | 0xE2 | 0xE3 | 0xEF))
        {
            Some(skip) => i += skip,
            None => break,
        }
        if bytes[i] == b'\n' {
            push(start, i);
            start = i + 1;
            i += 1;
            continue;
        }
        let t = terminator_len(&bytes[i..]);
        if t == 0 {
            i += 1;
            continue;
        }
        let mut end = i + t;
        loop {
            let n = terminator_len(&bytes[end..]).max(closer_len(&bytes[end..]));
            if n == 0 {
                break;
            }
            end += n;
        }
        let after = &text[end..];
        if after.is_empty() || after.starts_with(char::is_whitespace) {
            let next = after.trim_start().chars().next();
            if !next.is_some_and(char::is_lowercase) {
                push(start, end);
                start = end;
            }
        }
        i = end;
    }
    push(start, text.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_where_news_text_ends_them() {
        let text = "Prices rose 3.5 per cent. \"It is over,\" he said! Was it? approx. five\nNew line…  Next";
        let got: Vec<&str> = sentences(text, 200)
            .into_iter()
            .map(|(a, b, _)| &text[a..b])
            .collect();
        assert_eq!(
            got,
            [
                "Prices rose 3.5 per cent.",
                "\"It is over,\" he said!",
                "Was it? approx. five",
                "New line…",
                "Next"
            ]
        );
    }

    #[test]
    fn cyrillic_sentences_split_on_characters_not_bytes() {
        let text = "Київ ".repeat(100);
        let s = sentences(&text, 50);
        assert!(s.len() > 1);
        for (from, to, n) in s {
            assert!(text.is_char_boundary(from) && text.is_char_boundary(to));
            assert!(n <= 50, "{n}");
            assert!(text[from..to].split(' ').all(|w| w == "Київ"));
        }
    }
}
