//! Per action: its request (and in-place response) type, the `Request` impl, the `Client` method, the
//! builder methods on `Call`; and the `Action` enum that ties every action together.

use super::{doc, objects, rust_type};
use crate::model::{Action, Model, Response, Type};
use crate::names;
use crate::spec::Section;
use proc_macro2::TokenStream;
use quote::quote;

pub fn response_type(action: &Action) -> TokenStream {
    match &action.response {
        Response::Empty => quote!(()),
        Response::Type(ty) => rust_type(ty),
        Response::Fields(_) => {
            let name = names::ident(&names::response_type(&action.name));
            quote!(#name)
        }
    }
}

fn scopes_doc(action: &Action) -> String {
    let line = |scope: &String| match action.scope_notes.get(scope) {
        Some(note) => format!("- `{scope}`: {}\n", note.trim()),
        None => format!("- `{scope}`\n"),
    };
    match action.scopes.as_slice() {
        [] => "Scopes: none needed.\n".to_string(),
        [one] if !action.scope_notes.contains_key(one) => {
            format!("Scopes: the token needs `{one}`.\n")
        }
        scopes => {
            let mut text = if scopes.len() == 1 {
                "Scopes: the token needs\n".to_string()
            } else {
                "Scopes: the token needs any one of these (a note says the situation a scope is for):\n"
                    .to_string()
            };
            text.extend(scopes.iter().map(line));
            text
        }
    }
}

/// The notes of an action (`action.notes`) record where the reference contradicts itself; they are
/// for the spec's maintainers and stay in the spec, out of the user-facing docs.
fn method_doc(action: &Action) -> String {
    let mut text = format!(
        "{}: `{}`.\n\n{}\n\n{}",
        action.title,
        action.name,
        action.description.trim(),
        scopes_doc(action)
    );
    match &action.batch_endpoint {
        Some(endpoint) => text.push_str(&format!(
            "\nBatch support: yes, see [`Client::{endpoint}`](Client::{endpoint})."
        )),
        None => text.push_str("\nBatch support: no."),
    }
    if let Some(paging) = &action.paging {
        text.push_str(&format!(
            "\n\nIt answers one page of `{}`: `.pages()` walks every page as a stream and \
             `.all()` collects every item, following `{}` with the first page's filters.",
            paging.items, paging.next_page_id
        ));
    }
    text.push_str(if action.read_only {
        "\n\nIt only reads, so the client retries it after rate limiting, server errors, timeouts and \
         transport failures."
    } else {
        "\n\nIt changes the license, so the client sends it again only when the server refused it \
         without running it (rate limiting, another region, expired credentials) or the connection \
         could not be made; never after a server error, a timeout or a reset, so it is never applied \
         twice. A change takes effect in the system \
         within 2 minutes of the answer."
    });
    text
}

pub fn section(spec: &Model, section: &Section) -> TokenStream {
    let mut out = quote! {
        #[allow(unused_imports)]
        use super::*;
    };
    for action in spec.actions.iter().filter(|a| a.section == section.name) {
        out.extend(action_items(action, &spec.types, spec.stable, &spec.module));
    }
    out
}

/// Where a paged action keeps its page id, items and next page id, for the runtime's walker
/// (`sdk/src/paging.rs`). Validation has made sure the names exist with fitting types; the
/// emitter still only reads what the model has.
fn paged(action: &Action, paging: &crate::model::Paging) -> TokenStream {
    let request = names::ident(&names::request_type(&action.name));
    let item = rust_type(&paging.item);
    let page_id = names::member(&paging.page_id);
    let page_id_required = action
        .request
        .field(&paging.page_id)
        .is_some_and(|f| f.required);
    let set_page_id = if page_id_required {
        quote!(next.#page_id = page_id;)
    } else {
        quote!(next.#page_id = Some(page_id);)
    };
    let get_page_id = if page_id_required {
        quote!(Some(self.#page_id.as_str()))
    } else {
        quote!(self.#page_id.as_deref())
    };
    let cleared = paging.excluded_by_page_id.iter().filter_map(|name| {
        let field = action.request.field(name).filter(|f| !f.required)?;
        let member = names::member(&field.name);
        Some(quote!(next.#member = None;))
    });
    let answer = match &action.response {
        Response::Fields(object) => Some(object),
        _ => None,
    };
    let next_required = answer
        .and_then(|a| a.field(&paging.next_page_id))
        .is_some_and(|f| f.required);
    let next_page_id = names::member(&paging.next_page_id);
    let get_next = if next_required {
        quote!(Some(page.#next_page_id.as_str()))
    } else {
        quote!(page.#next_page_id.as_deref())
    };
    let items = names::member(&paging.items);
    let items_required = answer
        .and_then(|a| a.field(&paging.items))
        .is_some_and(|f| f.required);
    let take_items = if items_required {
        quote!(page.#items)
    } else {
        quote!(page.#items.unwrap_or_default())
    };
    quote! {
        impl crate::Paged for #request {
            type Item = #item;
            fn for_page(&self, page_id: String) -> Self {
                let mut next = self.clone();
                #set_page_id
                #(#cleared)*
                next
            }
            fn page_id(&self) -> Option<&str> {
                #get_page_id
            }
            fn next_page_id(page: &Self::Response) -> Option<&str> {
                #get_next
            }
            fn into_items(page: Self::Response) -> Vec<Self::Item> {
                #take_items
            }
        }
    }
}

/// `matches!(self, A | B)`, or `false` for no variant at all.
fn any_of(variants: Vec<TokenStream>) -> TokenStream {
    if variants.is_empty() {
        quote!(false)
    } else {
        quote!(matches!(self, #(#variants)|*))
    }
}

/// The type a version's methods are on: the crate's client for the stable version, the version's
/// newtype for another.
fn client_type(stable: bool) -> TokenStream {
    if stable {
        quote!(crate::Client)
    } else {
        quote!(Client)
    }
}

fn action_items(action: &Action, types: &[Type], stable: bool, module: &str) -> TokenStream {
    let runtime = if stable {
        quote!(self)
    } else {
        quote!(&self.0)
    };
    let name = &action.name;
    let variant = names::ident(&names::action_type(name));
    let request_name = names::request_type(name);
    let request = names::ident(&request_name);
    let method = names::member(name);
    let response = response_type(action);

    let mut out = objects::object(&action.request, types, objects::Role::Request);
    if let Response::Fields(object) = &action.response {
        out.extend(objects::object(object, types, objects::Role::Response));
    }

    let decode = match action.response {
        Response::Empty => quote!(crate::decode::empty(Self::ACTION, bytes)),
        _ => quote!(crate::decode::json(Self::ACTION, bytes)),
    };
    out.extend(quote! {
        impl crate::Request for #request {
            const ACTION: crate::ActionName = crate::ActionName::listed(Action::#variant.info());
            type Response = #response;
            // Inline, so that the answer's decoding is compiled in a crate that sends the
            // request, not for every action in this one.
            #[inline]
            fn decode_response(bytes: &[u8]) -> Result<Self::Response, crate::DecodeError> {
                #decode
            }
        }
    });

    if let Some(paging) = &action.paging {
        out.extend(paged(action, paging));
    }

    let required: Vec<_> = action.request.required().collect();
    let args = required.iter().map(|f| {
        let member = names::member(&f.name);
        let (ty, _) = super::argument(&f.ty, &quote!(#member));
        quote!(#member: #ty)
    });
    let arg_names = required.iter().map(|f| names::member(&f.name));
    let method_lifetime = super::lifetime(required.iter().map(|f| &f.ty));
    let method_doc = doc(&format!(
        "{}\n\n{}",
        method_doc(action),
        super::example::method_example(action, types, false, if stable { "" } else { module })
    ));
    let mut methods = quote! {
        #method_doc
        pub fn #method #method_lifetime(&self, #(#args),*) -> crate::Call<'_, #request> {
            crate::Call::new(#runtime, #request::new(#(#arg_names),*))
        }
    };
    if let Some(endpoint) = &action.batch_endpoint {
        let batch_variant = names::ident(&names::action_type(endpoint));
        let batch_method = names::member(endpoint);
        let batch_doc = doc(&format!(
            "{}, many at once: `{endpoint}`.\n\n\
             Each request runs as its own `{name}` (see [`Client::{name}`](Client::{name})); \
             the answer holds one result per request, in request order, and a failed item does not \
             fail the others. Any number of requests may be given: the client sends them in chunks \
             (see [`BatchCall`](crate::BatchCall)). It needs the same scopes as `{name}`.\n\n{}\n\n{}",
            action.title,
            scopes_doc(action),
            super::example::method_example(action, types, true, if stable { "" } else { module })
        ));
        out.extend(quote! {
            impl crate::BatchItem for #request {
                const BATCH_ACTION: crate::ActionName =
                    crate::ActionName::listed(Action::#batch_variant.info());
            }
        });
        methods.extend(quote! {
            #batch_doc
            pub fn #batch_method(
                &self,
                requests: impl IntoIterator<Item = #request>,
            ) -> crate::BatchCall<'_, #request> {
                crate::BatchCall::new(#runtime, requests)
            }
        });
    }
    let client = client_type(stable);
    out.extend(quote! {
        impl #client {
            #methods
        }
    });

    let forwards: Vec<TokenStream> = action
        .request
        .optional()
        .map(|f| {
            let member = names::member(&f.name);
            let field_doc = doc(&super::field_doc(f));
            let (ty, _) = super::argument(&f.ty, &quote!(#member));
            let lifetime = super::lifetime([&f.ty]);
            quote! {
                #field_doc
                pub fn #member #lifetime(self, #member: #ty) -> Self {
                    self.map(|request| request.#member(#member))
                }
            }
        })
        .collect();
    if !forwards.is_empty() {
        out.extend(quote! {
            impl crate::Call<'_, #request> {
                #(#forwards)*
            }
        });
    }
    out
}

struct Entry<'a> {
    variant: proc_macro2::Ident,
    name: String,
    title: String,
    action: &'a Action,
    batch: bool,
}

pub fn action_enum(spec: &Model) -> TokenStream {
    let mut entries = Vec::new();
    for action in &spec.actions {
        entries.push(Entry {
            variant: names::ident(&names::action_type(&action.name)),
            name: action.name.clone(),
            title: action.title.clone(),
            action,
            batch: false,
        });
    }
    for action in &spec.actions {
        if let Some(endpoint) = &action.batch_endpoint {
            entries.push(Entry {
                variant: names::ident(&names::action_type(endpoint)),
                name: endpoint.clone(),
                title: format!("{} (batch)", action.title),
                action,
                batch: true,
            });
        }
    }
    let count = entries.len();
    let single = |action: &Action| names::ident(&names::action_type(&action.name));
    let batch_of = |action: &Action| {
        action
            .batch_endpoint
            .as_ref()
            .map(|e| names::ident(&names::action_type(e)))
    };

    let variants = entries.iter().map(|e| {
        let v = &e.variant;
        let d = doc(&format!("`{}`: {}.", e.name, e.title));
        quote!(#d #v,)
    });
    let all = entries.iter().map(|e| &e.variant);
    let name_arms = entries.iter().map(|e| {
        let (v, n) = (&e.variant, &e.name);
        quote!(Self::#v => #n,)
    });
    let from_arms = entries.iter().map(|e| {
        let (v, n) = (&e.variant, &e.name);
        quote!(#n => Some(Self::#v),)
    });
    let title_arms = entries.iter().map(|e| {
        let (v, t) = (&e.variant, &e.title);
        quote!(Self::#v => #t,)
    });
    let section_arms = entries.iter().map(|e| {
        let (v, s) = (&e.variant, &e.action.section);
        quote!(Self::#v => #s,)
    });
    let scope_arms = entries.iter().map(|e| {
        let v = &e.variant;
        let scopes = &e.action.scopes;
        quote!(Self::#v => &[#(#scopes),*],)
    });
    let batch_arms = entries.iter().filter(|e| e.batch).map(|e| {
        let v = &e.variant;
        quote!(Self::#v)
    });
    let read_only_arms = entries
        .iter()
        .filter(|e| !e.batch && e.action.read_only)
        .map(|e| {
            let v = &e.variant;
            quote!(Self::#v)
        });
    let is_batch = any_of(batch_arms.collect());
    let is_read_only = any_of(read_only_arms.collect());
    let secret_arms: Vec<TokenStream> = entries
        .iter()
        .filter(|e| e.action.carries_secrets)
        .map(|e| {
            let v = &e.variant;
            quote!(Self::#v)
        })
        .collect();
    let carries_secrets = if secret_arms.is_empty() {
        quote!(false)
    } else {
        quote!(matches!(self, #(#secret_arms)|*))
    };
    let open_arms: Vec<TokenStream> = entries
        .iter()
        .filter(|e| !e.batch && e.action.no_authorization)
        .map(|e| {
            let v = &e.variant;
            quote!(Self::#v)
        })
        .collect();
    let needs_authorization = if open_arms.is_empty() {
        quote!(true)
    } else {
        quote!(!matches!(self, #(#open_arms)|*))
    };
    let twin_arms = entries.iter().filter(|e| !e.batch).filter_map(|e| {
        let v = &e.variant;
        batch_of(e.action).map(|b| quote!(Self::#v => Some(Self::#b),))
    });
    let single_arms = entries.iter().filter(|e| e.batch).map(|e| {
        let (v, s) = (&e.variant, single(e.action));
        quote!(Self::#v => Some(Self::#s),)
    });

    let request_variants = entries.iter().map(|e| {
        let v = &e.variant;
        let request = names::ident(&names::request_type(&e.action.name));
        let d = doc(&format!("`{}`", e.name));
        if e.batch {
            quote!(#d #v(Vec<Result<#request, crate::DecodeError>>),)
        } else {
            quote!(#d #v(#request),)
        }
    });
    let request_action_arms = entries.iter().map(|e| {
        let v = &e.variant;
        quote!(Self::#v(_) => Action::#v,)
    });
    let decode_request_arms = entries.iter().map(|e| {
        let v = &e.variant;
        let request = names::ident(&names::request_type(&e.action.name));
        if e.batch {
            quote!(Self::#v => crate::decode::batch_request::<#request>(self.into(), bytes).map(AnyRequest::#v),)
        } else {
            quote!(Self::#v => crate::decode::request::<#request>(self.into(), bytes).map(AnyRequest::#v),)
        }
    });
    let response_variants = entries.iter().map(|e| {
        let v = &e.variant;
        let response = response_type(e.action);
        let d = doc(&format!("`{}`", e.name));
        if e.batch {
            quote!(#d #v(Vec<Result<#response, crate::ApiError>>),)
        } else {
            quote!(#d #v(#response),)
        }
    });
    let response_action_arms = entries.iter().map(|e| {
        let v = &e.variant;
        quote!(Self::#v(_) => Action::#v,)
    });
    let decode_response_arms = entries.iter().map(|e| {
        let v = &e.variant;
        let request = names::ident(&names::request_type(&e.action.name));
        let ty = if e.batch {
            quote!(crate::BatchRequest<#request>)
        } else {
            quote!(#request)
        };
        quote!(Self::#v => <#ty as crate::Request>::decode_response(bytes).map(AnyResponse::#v),)
    });

    let info_arms = entries.iter().map(|e| {
        let (v, n) = (&e.variant, &e.name);
        let read_only = !e.batch && e.action.read_only;
        let secrets = e.action.carries_secrets;
        let keys = &e.action.secret_keys;
        quote! {
            Self::#v => &crate::ActionInfo {
                path: ACTION_PATH, name: #n, read_only: #read_only, carries_secrets: #secrets,
                secret_keys: &[#(#keys),*],
            },
        }
    });
    let version = &spec.version;
    let base_url = &spec.base_url;
    let action_path = &spec.action_path;
    quote! {
        use super::*;

        /// The API version this crate speaks.
        pub const API_VERSION: &str = #version;
        /// The production base URL.
        pub const DEFAULT_BASE_URL: &str = #base_url;
        /// The path before an action's name: a call goes to `{base URL}{ACTION_PATH}{action}`.
        pub const ACTION_PATH: &str = #action_path;

        /// Every action of the API: the plain ones in reference order, then the batch endpoints.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Action {
            #(#variants)*
        }

        impl Action {
            /// Every action, plain ones first, then batch endpoints.
            pub const ALL: [Action; #count] = [#(Self::#all),*];

            /// The action's name, as in the URL.
            pub const fn name(self) -> &'static str {
                match self { #(#name_arms)* }
            }

            /// The action named so in the URL, if there is one.
            pub fn from_name(name: &str) -> Option<Action> {
                match name {
                    #(#from_arms)*
                    _ => None,
                }
            }

            /// The reference's heading of the action.
            pub const fn title(self) -> &'static str {
                match self { #(#title_arms)* }
            }

            /// The reference section the action belongs to (`agents`, `auto_access`, …).
            pub const fn section(self) -> &'static str {
                match self { #(#section_arms)* }
            }

            /// The scopes the reference lists for the action, as printed there. A batch endpoint
            /// needs the same scopes as its plain action.
            pub const fn scopes(self) -> &'static [&'static str] {
                match self { #(#scope_arms)* }
            }

            /// `true` for the batch endpoints.
            pub const fn is_batch(self) -> bool {
                #is_batch
            }

            /// `true` for actions that only read (`get_*`, `list_*`, …, as the spec marks them):
            /// sending one twice changes nothing, so it is safe to retry.
            pub const fn is_read_only(self) -> bool {
                #is_read_only
            }

            /// `true` when the action's request or answer carries a credential (a field the spec
            /// marks secret, masked in `Debug`): its bodies never appear in error excerpts.
            pub const fn carries_secrets(self) -> bool {
                #carries_secrets
            }

            /// `false` for the actions the reference says require no authorization.
            pub const fn needs_authorization(self) -> bool {
                #needs_authorization
            }

            /// The batch endpoint of a plain action that has one.
            pub const fn batch_action(self) -> Option<Action> {
                match self {
                    #(#twin_arms)*
                    _ => None,
                }
            }

            /// The plain action a batch endpoint runs for each of its requests.
            pub const fn single_action(self) -> Option<Action> {
                match self {
                    #(#single_arms)*
                    _ => None,
                }
            }

            /// Decodes and validates a request body for this action: missing required fields,
            /// wrong types, unknown enum values, broken limits and constraints are errors naming
            /// the field. A batch body decodes item by item, each with its own result. Only a
            /// server needs it (feature `server`).
            #[cfg(feature = "server")]
            pub fn decode_request(self, bytes: &[u8]) -> Result<AnyRequest, crate::DecodeError> {
                match self { #(#decode_request_arms)* }
            }

            /// Decodes a successful response body of this action.
            #[inline]
            pub fn decode_response(self, bytes: &[u8]) -> Result<AnyResponse, crate::DecodeError> {
                match self { #(#decode_response_arms)* }
            }
        }

        impl Action {
            /// What the runtime needs to know of the action: its path, name, whether it only
            /// reads and whether its bodies carry a credential.
            pub const fn info(self) -> &'static crate::ActionInfo {
                match self { #(#info_arms)* }
            }
        }

        impl From<Action> for crate::ActionName {
            fn from(action: Action) -> Self {
                crate::ActionName::listed(action.info())
            }
        }

        impl PartialEq<Action> for crate::ActionName {
            fn eq(&self, other: &Action) -> bool {
                self.info() == Some(other.info())
            }
        }

        impl PartialEq<crate::ActionName> for Action {
            fn eq(&self, other: &crate::ActionName) -> bool {
                other == self
            }
        }

        impl ::std::fmt::Display for Action {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        /// A decoded request of any action; see [`Action::decode_request`].
        #[cfg(feature = "server")]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum AnyRequest {
            #(#request_variants)*
        }

        #[cfg(feature = "server")]
        impl AnyRequest {
            /// The action this request is for.
            pub fn action(&self) -> Action {
                match self { #(#request_action_arms)* }
            }
        }

        /// A decoded response of any action; see [`Action::decode_response`].
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum AnyResponse {
            #(#response_variants)*
        }

        impl AnyResponse {
            /// The action this response is for.
            pub fn action(&self) -> Action {
                match self { #(#response_action_arms)* }
            }
        }
    }
}
