//! Output: printers for search results, generic over the writer (as ripgrep's
//! grep-printer is), one file per format. Wire formats are separate structs from the
//! domain types so that the JSON format is stable and documented in one place.

pub mod csv;
pub mod json;
pub mod table;
pub mod terminal;

use std::io;

use crate::search::{Hit, SearchResults};

/// Something that prints search results.
pub trait Printer {
    /// Prints one ranked passage.
    fn hit(&mut self, hit: &Hit) -> io::Result<()>;
    /// Prints the closing summary.
    fn summary(&mut self, query: &str, results: &SearchResults) -> io::Result<()>;
}

/// Prints all hits then the summary.
pub fn print_results(
    printer: &mut dyn Printer,
    query: &str,
    results: &SearchResults,
) -> io::Result<()> {
    for hit in &results.hits {
        printer.hit(hit)?;
    }
    printer.summary(query, results)
}
