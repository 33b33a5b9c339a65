//! The server side of a version, behind the sdk's `server` feature: a `Handlers` trait with one
//! method per plain action, and the dispatch that decodes a body by action name and calls it. A
//! batch endpoint runs its plain action's method per item, so a server writes no batch code, and
//! an action without a handler is a compile error in the server.

use super::{actions::response_type, doc};
use crate::model::{Model, Response};
use crate::names;
use proc_macro2::TokenStream;
use quote::quote;

pub fn handlers(model: &Model) -> TokenStream {
    let methods = model.actions.iter().map(|action| {
        let method = names::member(&action.name);
        let request = names::ident(&names::request_type(&action.name));
        let response = response_type(action);
        let mut text = format!("`{}`: {}.", action.name, action.title);
        if let Some(endpoint) = &action.batch_endpoint {
            text.push_str(&format!(" It also serves each item of `{endpoint}`."));
        }
        if matches!(action.response, Response::Empty) {
            text.push_str(" Its answer has no payload: `{}`.");
        }
        let method_doc = doc(&text);
        quote! {
            #method_doc
            fn #method(&mut self, request: #request) -> Result<#response, Self::Error>;
        }
    });
    let plain_arms = model.actions.iter().map(|action| {
        let variant = names::ident(&names::action_type(&action.name));
        let method = names::member(&action.name);
        quote!(AnyRequest::#variant(request) => run(handlers, request, H::#method),)
    });
    let batch_arms = model.actions.iter().filter_map(|action| {
        let endpoint = action.batch_endpoint.as_ref()?;
        let variant = names::ident(&names::action_type(endpoint));
        let method = names::member(&action.name);
        Some(quote!(AnyRequest::#variant(items) => Ok(run_batch(handlers, items, H::#method)),))
    });
    let version = &model.version;
    let trait_doc = doc(&format!(
        "A server of the Configuration API v{version}: one method per plain action, taking the \
         typed request and answering the typed response or the server's error. The implementing \
         value is the call's context (who calls, the state it acts on). Batch endpoints need no \
         method: [`dispatch`] runs each item through its plain action's method."
    ));
    quote! {
        use super::*;

        #trait_doc
        pub trait Handlers {
            /// What a failed action answers with.
            type Error;

            /// A body, or an item of a batch, that does not decode as its action's request.
            fn invalid(&mut self, error: crate::DecodeError) -> Self::Error;

            /// A response that cannot be written as JSON.
            fn unserializable(&mut self, error: ::serde_json::Error) -> Self::Error;

            /// What a failed item of a batch answers in its place (`{"error": …}`).
            fn item_error(&mut self, error: Self::Error) -> ::serde_json::Value;

            #(#methods)*
        }

        /// Decodes `body` as a request of `action` and runs it: see [`dispatch_request`].
        pub fn dispatch<H: Handlers + ?Sized>(
            handlers: &mut H,
            action: Action,
            body: &[u8],
        ) -> Result<::serde_json::Value, H::Error> {
            match action.decode_request(body) {
                Ok(request) => dispatch_request(handlers, request),
                Err(error) => Err(handlers.invalid(error)),
            }
        }

        /// Runs a decoded request and answers its body: a plain action through its method; a
        /// batch endpoint item by item through its plain action's method, each item answering
        /// its response or [`Handlers::item_error`], in request order.
        pub fn dispatch_request<H: Handlers + ?Sized>(
            handlers: &mut H,
            request: AnyRequest,
        ) -> Result<::serde_json::Value, H::Error> {
            match request {
                #(#plain_arms)*
                #(#batch_arms)*
            }
        }

        fn run<H: Handlers + ?Sized, R, T: ::serde::Serialize + 'static>(
            handlers: &mut H,
            request: R,
            method: fn(&mut H, R) -> Result<T, H::Error>,
        ) -> Result<::serde_json::Value, H::Error> {
            let response = method(handlers, request)?;
            crate::serve::body(&response).map_err(|e| handlers.unserializable(e))
        }

        fn run_batch<H: Handlers + ?Sized, R, T: ::serde::Serialize + 'static>(
            handlers: &mut H,
            items: Vec<Result<R, crate::DecodeError>>,
            method: fn(&mut H, R) -> Result<T, H::Error>,
        ) -> ::serde_json::Value {
            let responses = items.into_iter().map(|item| {
                let answer = match item {
                    Ok(request) => run(handlers, request, method),
                    Err(error) => Err(handlers.invalid(error)),
                };
                answer.unwrap_or_else(|error| handlers.item_error(error))
            });
            crate::serve::batch_body(responses.collect())
        }
    }
}
