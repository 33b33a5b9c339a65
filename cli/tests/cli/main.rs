mod apply;
mod bad_files;
mod call;
mod config;
mod license;
mod support;
mod v3_7;
