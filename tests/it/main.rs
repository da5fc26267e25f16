//! The integration tests, in one binary: each module was a test file of its
//! own, and one binary links once instead of once per file.

mod adoption;
mod cli;
mod cli_flags;
mod common;
mod config;
mod container_spans;
mod containers;
mod cross_file;
mod editor_schema;
mod examples;
mod fix;
mod fixtures;
mod formats;
mod hands_off;
mod hostile;
mod ionos;
mod library;
mod secrets;
mod server;
mod terminal;
