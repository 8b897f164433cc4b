//! Web pages: the article's main text without navigation, ads, comments or related-links
//! boxes (readability.js's algorithm, by dom_smoothie), and its title, date, author,
//! site, canonical URL and language from the page's metadata (Open Graph, JSON-LD
//! `NewsArticle`, `<meta>`, `<html lang>`). Also the HTML-to-text step of feeds.

use std::path::Path;

use dom_query::Document;

use super::{charset, first_line, path_id, Article};
use crate::error::Error;
use crate::lang::Lang;

/// What the container of a page knows about it (a WARC record, a feed item): its URL,
/// the date it was captured or published, the charset its HTTP response declared.
#[derive(Clone, Copy, Debug, Default)]
pub struct PageHint<'a> {
    pub url: Option<&'a str>,
    pub date: Option<&'a str>,
    pub http_charset: Option<&'a str>,
}

/// Largest number of elements the extractor scores; beyond it a page is not an article
/// (a forum dump, a data table) and scoring would take seconds.
const MAX_ELEMENTS: usize = 30_000;

/// A page's bytes as an article: decoded (see [`charset`]), its main text extracted.
/// `id` is the article's id (the file's path, or the URL of a WARC capture).
pub fn parse_page(path: &Path, id: &str, bytes: &[u8], hint: PageHint) -> Result<Article, Error> {
    let host = hint.url.and_then(charset::host_of);
    let html = charset::decode_page(bytes, hint.http_charset, host);
    let doc = Document::from(html.as_str());
    let meta = PageMeta::read(&doc);
    // Furigana (<rt>, <rp>) are readings printed above the text, not text: left in,
    // they split every Japanese word in two.
    doc.select("rt, rp").remove();
    let base = meta.url.as_deref().or(hint.url).filter(|u| is_absolute(u));
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        max_elements_to_parse: MAX_ELEMENTS,
        ..Default::default()
    };
    let extracted =
        dom_smoothie::Readability::with_document(doc, base, Some(cfg)).and_then(|mut r| r.parse());
    let (mut title, body, byline, published, site, lang) = match extracted {
        Ok(a) => (
            a.title,
            tidy(&a.text_content),
            a.byline,
            a.published_time,
            a.site_name,
            a.lang,
        ),
        // No block of text scored as an article (a list page, a tiny page): its whole
        // visible text is what there is.
        Err(_) => (String::new(), whole_text(&html), None, None, None, None),
    };
    if body.is_empty() {
        return Err(Error::BadFile {
            path: path.to_path_buf(),
            reason: "the page holds no text".into(),
        });
    }
    if title.trim().is_empty() {
        title = meta.title.clone().unwrap_or_else(|| first_line(&body));
    }
    let url = meta
        .url
        .filter(|u| is_absolute(u))
        .or(hint.url.map(str::to_string));
    let date = published
        .or(meta.date)
        .or(hint.date.map(str::to_string))
        .map(|d| normalise_date(&d));
    let lang = lang
        .or(meta.lang)
        .map(|l| Lang::from_code(&l))
        .filter(|l| !l.is_undetermined());
    Ok(Article {
        id: id.to_string(),
        title: collapse(&title),
        body,
        date,
        source: site.or(meta.site).or(host.map(str::to_string)),
        url,
        author: byline.or(meta.author).map(|a| collapse(&a)),
        path: path.display().to_string(),
        lang,
        ..Article::default()
    })
}

/// A page file (`.html`, `.htm`, gzipped too) as one article.
pub fn read_page_file(path: &Path) -> Result<Article, Error> {
    let bytes = super::decode::read_bytes(path)?;
    parse_page(path, &path_id(path, None), &bytes, PageHint::default())
}

/// An HTML fragment (a feed item's `content:encoded`) as text: block elements become
/// paragraphs, scripts and styles go, entities are decoded.
pub fn html_to_text(fragment: &str) -> String {
    if !fragment.contains('<') && !fragment.contains('&') {
        return tidy(fragment);
    }
    let doc = Document::fragment(fragment);
    doc.select("script, style, noscript, template, rt, rp")
        .remove();
    tidy(&doc.formatted_text())
}

/// The visible text of a whole page, for pages with no article block.
fn whole_text(html: &str) -> String {
    let doc = Document::from(html);
    doc.select("script, style, noscript, template, head, nav, footer, rt, rp")
        .remove();
    tidy(&doc.select("body").formatted_text())
}

/// The metadata a page declares about itself, read before extraction rewrites the DOM.
#[derive(Debug, Default)]
struct PageMeta {
    title: Option<String>,
    url: Option<String>,
    date: Option<String>,
    author: Option<String>,
    site: Option<String>,
    lang: Option<String>,
}

impl PageMeta {
    fn read(doc: &Document) -> PageMeta {
        let attr = |selector: &str, name: &str| -> Option<String> {
            doc.select(selector)
                .iter()
                .filter_map(|s| s.attr(name))
                .map(|v| v.trim().to_string())
                .find(|v| !v.is_empty())
        };
        let meta = |keys: &[&str]| -> Option<String> {
            keys.iter().find_map(|k| {
                attr(&format!(r#"meta[property="{k}"]"#), "content")
                    .or_else(|| attr(&format!(r#"meta[name="{k}"]"#), "content"))
                    .or_else(|| attr(&format!(r#"meta[itemprop="{k}"]"#), "content"))
            })
        };
        PageMeta {
            title: meta(&["og:title", "twitter:title"]).or_else(|| {
                let t = doc.select("head title").first().text();
                (!t.trim().is_empty()).then(|| t.trim().to_string())
            }),
            url: attr(r#"link[rel="canonical"]"#, "href").or_else(|| meta(&["og:url"])),
            date: meta(&[
                "article:published_time",
                "datePublished",
                "date",
                "dc.date",
                "DC.date.issued",
                "pubdate",
                "publishdate",
                "og:published_time",
            ])
            .or_else(|| attr("time[datetime]", "datetime")),
            author: meta(&["author", "article:author", "dc.creator"])
                .filter(|a| !a.starts_with("http")),
            site: meta(&["og:site_name", "application-name"]),
            lang: attr("html", "lang")
                .or_else(|| attr("html", "xml:lang"))
                .or_else(|| meta(&["og:locale", "language"]))
                .or_else(|| attr(r#"meta[http-equiv="content-language"]"#, "content")),
        }
    }
}

fn is_absolute(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// Dates as the index reads them (`YYYY-MM-DDTHH:MM:SS`, UTC) when they are in a form
/// the web uses (RFC 3339 and its variants, RFC 2822); others are kept as written.
pub fn normalise_date(date: &str) -> String {
    use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
    let d = date.trim();
    let utc = |t: DateTime<chrono::FixedOffset>| {
        t.with_timezone(&Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(d) {
        return utc(t);
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(d, f) {
            return utc(t);
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(d) {
        return utc(t);
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(d, f) {
            return t.format("%Y-%m-%dT%H:%M:%S").to_string();
        }
    }
    if let Ok(t) = NaiveDate::parse_from_str(d, "%Y-%m-%d") {
        return t.format("%Y-%m-%d").to_string();
    }
    d.to_string()
}

/// Paragraphs one per line pair, spaces collapsed inside them, empty ones dropped.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for para in text.split('\n').map(collapse).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&para);
    }
    out
}

/// Whitespace runs (non-breaking spaces included) as one space, trimmed.
pub(super) fn collapse(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html lang="uk-UA"><head>
<meta charset="utf-8"><title>Київ вночі | Новини</title>
<meta property="og:site_name" content="Новини">
<meta property="article:published_time" content="2024-05-02T01:30:00+03:00">
<link rel="canonical" href="https://news.example/kyiv-night">
</head><body><nav><a href="/">Головна</a> <a href="/sport">Спорт</a></nav>
<article><h1>Київ вночі</h1><p class="byline">Олена Петренко</p>
<p>Уночі над Києвом збили дванадцять дронів, повідомила міська адміністрація. Уламки впали
у Дарницькому районі, постраждалих немає, сказав Віталій Кличко у телеграмі.</p>
<p>Повітряна тривога тривала понад три години; укриття були відкриті, метро працювало
як укриття до ранку, а рятувальники гасили пожежу у приватному будинку.</p>
</article><aside class="related"><a href="/a">Читайте також: погода на вихідні</a></aside>
<footer>© 2024 Новини. Усі права захищені.</footer></body></html>"#;

    #[test]
    fn article_text_and_metadata() {
        let a = parse_page(
            Path::new("p.html"),
            "p.html",
            PAGE.as_bytes(),
            PageHint::default(),
        )
        .unwrap();
        assert!(a.body.starts_with("Уночі над Києвом"), "{}", a.body);
        assert!(a.body.contains("\n\nПовітряна тривога"), "{}", a.body);
        for boiler in ["Головна", "Читайте також", "права захищені"]
        {
            assert!(!a.body.contains(boiler), "{boiler} in {}", a.body);
        }
        assert_eq!(a.date.as_deref(), Some("2024-05-01T22:30:00Z"));
        assert_eq!(a.url.as_deref(), Some("https://news.example/kyiv-night"));
        assert_eq!(a.source.as_deref(), Some("Новини"));
        assert_eq!(a.lang.as_ref().map(Lang::code), Some("uk"));
        assert!(a.title.starts_with("Київ вночі"), "{}", a.title);
    }

    #[test]
    fn fragments_to_text() {
        assert_eq!(
            html_to_text("<p>Kyiv &amp; Kharkiv</p><p>second<br>line</p><script>x()</script>"),
            "Kyiv & Kharkiv\n\nsecond\n\nline"
        );
        assert_eq!(html_to_text("plain  text"), "plain text");
    }

    #[test]
    fn furigana_is_not_text() {
        let page = "<html><body><article><p>".to_string()
            + &"<ruby>東京<rt>とうきょう</rt></ruby>で地震がありました。".repeat(20)
            + "</p></article></body></html>";
        let a = parse_page(
            Path::new("j.html"),
            "j",
            page.as_bytes(),
            PageHint::default(),
        )
        .unwrap();
        assert!(
            a.body.contains("東京で地震") && !a.body.contains("とうきょう"),
            "{}",
            a.body
        );
    }

    #[test]
    fn web_dates() {
        assert_eq!(
            normalise_date("2021-11-01T10:52:50+0100"),
            "2021-11-01T09:52:50Z"
        );
        assert_eq!(
            normalise_date("Tue, 10 Jun 2003 04:00:00 GMT"),
            "2003-06-10T04:00:00Z"
        );
        assert_eq!(normalise_date("2020-02-03"), "2020-02-03");
        assert_eq!(normalise_date("yesterday"), "yesterday");
    }
}
