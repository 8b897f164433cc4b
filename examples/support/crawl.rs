//! A crawl-like web archive written from articles, for the WARC reader's figures
//! (`examples/make_warc.rs`, the `reader/web` benchmark): each article an HTML page
//! under its own URL (as many rounds as it takes), with the request, metadata and image
//! records a crawler writes beside it; gzip per record when asked.

use std::io::Write;

use gazette::reader::Article;

/// Writes records until `bytes` are written; returns (records, HTML pages).
pub fn write_crawl(
    articles: &[Article],
    file: &mut impl Write,
    bytes: u64,
    gzip: bool,
) -> (u64, u64) {
    let mut written = 0u64;
    let (mut pages, mut records) = (0u64, 0u64);
    // An image payload: incompressible bytes, as JPEGs are.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let image: Vec<u8> = (0..40_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    'outer: for round in 0.. {
        for (i, a) in articles.iter().enumerate() {
            let url = format!("https://news.example/{round}/{i}");
            let date = format!(
                "2024-{:02}-{:02}T{:02}:00:00Z",
                1 + i % 12,
                1 + i % 28,
                i % 24
            );
            let paras: String = a
                .body
                .split("\n\n")
                .map(|p| format!("<p>{}</p>", html_escape(p)))
                .collect();
            let html = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
                 <meta property=\"og:site_name\" content=\"News Example\"></head><body>\
                 <nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/sport\">Sport</a></nav>\
                 <article><h1>{t}</h1>{paras}</article>\
                 <aside><h2>Read more</h2><ul><li><a href=\"/a\">Other story</a></li></ul></aside>\
                 <footer>© News Example</footer></body></html>",
                t = html_escape(&a.title)
            );
            let request = format!("GET /{round}/{i} HTTP/1.1\r\nHost: news.example\r\n\r\n");
            let response = [
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
                    html.len()
                )
                .into_bytes(),
                html.into_bytes(),
            ]
            .concat();
            let img_response = [
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\n\r\n",
                    image.len()
                )
                .into_bytes(),
                image.clone(),
            ]
            .concat();
            let metadata = format!("outlinks: {url}/img.jpg\r\nfetchTimeMs: 120\r\n");
            for (kind, uri, ct, block) in [
                (
                    "request",
                    url.clone(),
                    "application/http; msgtype=request",
                    request.into_bytes(),
                ),
                (
                    "response",
                    url.clone(),
                    "application/http; msgtype=response",
                    response,
                ),
                (
                    "metadata",
                    url.clone(),
                    "application/warc-fields",
                    metadata.into_bytes(),
                ),
                (
                    "response",
                    format!("{url}/img.jpg"),
                    "application/http; msgtype=response",
                    img_response,
                ),
            ] {
                let mut rec = format!(
                    "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n\
                     WARC-Record-ID: <urn:uuid:{records:032x}>\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
                    block.len()
                )
                .into_bytes();
                rec.extend(block);
                rec.extend(b"\r\n\r\n");
                let bytes = if gzip {
                    let mut e =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                    e.write_all(&rec).unwrap();
                    e.finish().unwrap()
                } else {
                    rec
                };
                file.write_all(&bytes).expect("write");
                written += bytes.len() as u64;
                records += 1;
            }
            pages += 1;
            if written >= bytes {
                break 'outer;
            }
        }
    }
    (records, pages)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
