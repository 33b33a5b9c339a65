mod call;
mod config;
mod license;
mod support;
