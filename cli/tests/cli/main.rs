mod apply;
mod bad_files;
mod call;
mod config;
mod license;
mod odd_server;
mod support;
mod v3_7;
