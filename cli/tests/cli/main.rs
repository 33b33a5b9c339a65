mod call;
mod support;
