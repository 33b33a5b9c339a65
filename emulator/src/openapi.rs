//! The contract, served: each version's OpenAPI document at `/emulator/openapi/v<X.Y>.json`, for
//! anyone (person or tool) pointed at a running emulator. Public: it holds no secret, and a tool
//! reads it before it has credentials.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

// The documents `cargo xtask gen` writes, compiled in so they are always the committed ones.
include!("../openapi/documents.rs");

pub fn routes() -> axum::Router {
    DOCUMENTS
        .iter()
        .fold(axum::Router::new(), |router, &(path, document)| {
            router.route(
                path,
                get(move || async move {
                    ([(header::CONTENT_TYPE, "application/json")], document).into_response()
                }),
            )
        })
}
