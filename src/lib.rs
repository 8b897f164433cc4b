//! Gazette: a search engine for news archives.
//!
//! Data flows one way. [`reader`] walks corpus folders and turns files into articles;
//! [`lang`] identifies each article's language; [`analysis`] turns text into terms — the
//! same analyzer for articles and queries — canonicalising every spelling of a place or
//! person to one term; [`index`] stores articles in a tantivy index and commits them with
//! the alias table's fingerprint; [`job`] runs incremental, locked, atomic indexing
//! jobs. At query time [`search`] parses the query with the same
//! analyzer, runs it, and [`passage`] cuts each hit into ranked passages with match and
//! entity spans, grouping articles that [`similar`] finds to tell the same story; [`output`] prints them for a terminal or as JSON Lines. [`cli`] turns
//! command-line flags into the option structs of these modules. The library never prints
//! on its own or exits: it returns values and [`error::Error`]s.

pub mod analysis;
pub mod analytics;
pub mod batch;
pub mod cli;
pub mod engine;
pub mod error;
pub mod export;
pub mod index;
pub mod job;
pub mod lang;
pub mod merge;
pub mod ner;
pub mod output;
pub mod passage;
pub mod pipeline;
pub mod plot;
pub mod reader;
pub mod roots;
pub mod search;
pub mod show;
pub mod similar;
pub mod supersede;
pub mod trim;
pub mod typos;
pub mod versions;
pub mod watch;

pub use error::{Error, Result};
