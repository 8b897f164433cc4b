//! News feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed (feed-rs), one article per item with
//! its link, date, author and text (HTML turned into text as for pages). An item's id is
//! its guid, else its link: the same item in a re-fetched feed keeps its id.

use std::path::Path;

use feed_rs::model::{Entry, Text};

use super::html::html_to_text;
use super::{decode, first_line, Article, Skipped};
use crate::error::Error;
use crate::lang::Lang;

/// Reads a feed file, decoded as its BOM or XML declaration says (see
/// [`super::charset::decode_xml`]).
pub fn read_feed(path: &Path, sink: &mut dyn FnMut(Article), skipped: &mut Skipped) -> Vec<Error> {
    let bytes = match decode::read_bytes(path) {
        Ok(b) => b,
        Err(e) => return vec![e],
    };
    if is_sitemap(&bytes) {
        // A sitemap lists pages; it holds no news text.
        *skipped.entry("sitemap").or_default() += 1;
        return Vec::new();
    }
    let text = super::charset::decode_xml(&bytes);
    match parse_feed(path, text.as_bytes()) {
        Ok(articles) => {
            for a in articles {
                sink(a);
            }
            Vec::new()
        }
        Err(e) => vec![e],
    }
}

/// Whether a `.json` file's text is a JSON Feed rather than one article.
pub fn is_json_feed(text: &str) -> bool {
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if !text.starts_with('{') {
        return false;
    }
    let start = &text[..super::floor_char_boundary(text, 512)];
    // `https:\/\/jsonfeed.org\/version\/1`: JSON may escape the slashes.
    start.contains("jsonfeed.org")
}

/// The items of a feed as articles.
pub fn parse_feed(path: &Path, bytes: &[u8]) -> Result<Vec<Article>, Error> {
    let parser = feed_rs::parser::Builder::new()
        // Our own ids: the guid (feed-rs keeps it), else the link; feed-rs would
        // otherwise make one from a hash or a random UUID.
        .id_generator(|links, _title, _uri| {
            links.first().map(|l| l.href.clone()).unwrap_or_default()
        })
        // Its sanitising cleans HTML for display; ours turns it into text.
        .sanitize_content(false)
        .build();
    let feed = match parser.parse(bytes) {
        Ok(f) => f,
        // `<rss></rss>`: a feed fetched while it had no items is not an error (cron
        // would mail it every hour); one with items that cannot be read is.
        Err(feed_rs::parser::ParseFeedError::ParseError(_)) if is_empty_feed(bytes) => {
            return Ok(Vec::new())
        }
        Err(e) => {
            return Err(Error::BadFile {
                path: path.to_path_buf(),
                reason: format!("not a readable feed: {e}"),
            })
        }
    };
    let source = feed.title.as_ref().map(text_of).filter(|t| !t.is_empty());
    let feed_lang = feed.language.clone();
    let mut out = Vec::with_capacity(feed.entries.len());
    for (i, entry) in feed.entries.into_iter().enumerate() {
        if let Some(a) = article_of(path, i + 1, entry, source.as_deref(), feed_lang.as_deref()) {
            out.push(a);
        }
    }
    Ok(out)
}

fn article_of(
    path: &Path,
    position: usize,
    entry: Entry,
    source: Option<&str>,
    feed_lang: Option<&str>,
) -> Option<Article> {
    let body = entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref())
        .map(html_to_text)
        .filter(|b| !b.is_empty())
        .or_else(|| entry.summary.as_ref().map(text_of))
        .unwrap_or_default();
    let title = entry.title.as_ref().map(text_of).unwrap_or_default();
    if body.is_empty() && title.is_empty() {
        return None;
    }
    let link = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(entry.links.first())
        .map(|l| l.href.clone());
    let id = if entry.id.is_empty() {
        format!("{}#{position}", path.display())
    } else {
        entry.id.clone()
    };
    let date = entry
        .published
        .or(entry.updated)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    let author = (!entry.authors.is_empty()).then(|| {
        entry
            .authors
            .iter()
            .filter_map(|p| p.name.as_deref().map(str::trim))
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    });
    let lang = entry
        .language
        .as_deref()
        .or(feed_lang)
        .map(Lang::from_code)
        .filter(|l| !l.is_undetermined());
    Some(Article {
        id,
        title: if title.is_empty() {
            first_line(&body)
        } else {
            title
        },
        body,
        date,
        source: source.map(str::to_string),
        url: link,
        author: author.filter(|a| !a.is_empty()),
        path: path.display().to_string(),
        line: Some(position),
        lang,
        ..Article::default()
    })
}

/// A feed text element as plain text (HTML ones through the HTML-to-text step).
fn text_of(t: &Text) -> String {
    let sub = t.content_type.subty().as_str();
    // Plain text with entities in it was escaped twice by its feed (`&amp;#8211;`):
    // the HTML step decodes them.
    if sub == "plain" && !t.content.contains('&') {
        super::html::collapse(&t.content)
    } else {
        html_to_text(&t.content)
    }
}

/// A feed's root element with no item or entry in it.
fn is_empty_feed(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes).to_ascii_lowercase();
    let rooted = ["<rss", "<feed", "<rdf"].iter().any(|r| text.contains(r));
    rooted && !text.contains("<item") && !text.contains("<entry")
}

fn is_sitemap(bytes: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    start.contains("<urlset") || start.contains("<sitemapindex")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Kyiv Desk</title>
<language>en-gb</language>
<item><title>Drones over Kyiv</title><link>https://desk.example/1</link>
<guid isPermaLink="false">desk-1</guid><dc:creator>Ann Smith</dc:creator>
<pubDate>Tue, 10 Jun 2025 04:00:00 +0300</pubDate>
<description>Short.</description>
<content:encoded><![CDATA[<p>Air defence shot down <b>twelve</b> drones.</p><p>Debris fell in Darnytskyi district.</p>]]></content:encoded></item>
<item><title>No guid</title><link>https://desk.example/2</link><description>&lt;p&gt;Kharkiv too.&lt;/p&gt;</description></item>
</channel></rss>"#;

    #[test]
    fn rss_items() {
        let items = parse_feed(Path::new("f.xml"), RSS.as_bytes()).unwrap();
        assert_eq!(items.len(), 2);
        let a = &items[0];
        assert_eq!(a.id, "desk-1");
        assert_eq!(a.title, "Drones over Kyiv");
        assert_eq!(
            a.body,
            "Air defence shot down twelve drones.\n\nDebris fell in Darnytskyi district."
        );
        assert_eq!(a.date.as_deref(), Some("2025-06-10T01:00:00Z"));
        assert_eq!(a.author.as_deref(), Some("Ann Smith"));
        assert_eq!(a.source.as_deref(), Some("Kyiv Desk"));
        assert_eq!(a.url.as_deref(), Some("https://desk.example/1"));
        assert_eq!(a.lang.as_ref().map(Lang::code), Some("en"));
        assert_eq!(items[1].id, "https://desk.example/2");
        assert_eq!(items[1].body, "Kharkiv too.");
    }

    #[test]
    fn not_a_feed() {
        let e = parse_feed(Path::new("x.xml"), b"<html><body>hi</body></html>").unwrap_err();
        assert!(
            e.to_string().starts_with("x.xml: not a readable feed"),
            "{e}"
        );
    }
}
