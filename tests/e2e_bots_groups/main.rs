//! End-to-end tests of the bots and groups actions.

mod bots;
mod groups;
