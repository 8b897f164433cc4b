//! Integration tests: one binary (linking tantivy is slow), modules per area. They run
//! the real `gazette` binary on fixtures in temporary directories, never on ./index.

mod util;

mod aliases;
mod analytics;
mod cli;
mod config;
mod engine;
mod entities;
mod formats;
mod jobs;
mod reliability;
mod search;
mod trust;
mod typos;
mod watch;
