//! End-to-end tests of the properties, tags, webhooks and other actions.

mod other;
mod properties;
mod tags;
mod webhooks;
