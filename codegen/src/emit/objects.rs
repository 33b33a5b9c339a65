//! Structs and enums: the shared types, request and response objects, and `ErrorKind`.

use super::{argument, doc, field_doc, rust_type};
use crate::model::{Constraint, Field, Object, Type};
use crate::names;
use crate::spec::{ConstraintKind, EnumValue, ErrorType, Limits};
use crate::type_expr::TypeExpr;
use proc_macro2::TokenStream;
use quote::quote;

/// Which way an object crosses the wire, and so which serde impls a client needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A named type of the spec, a resource users may store or print: both ways.
    Shared,
    /// An action's request: a client serializes it; only a server decodes it.
    Request,
    /// An action's own answer, or a webhook's own payload: a client decodes it; only a server
    /// (or a sender of webhooks) serializes it.
    Response,
}

/// A struct with a constructor taking the always-required fields, one builder method per other
/// field, and its `Validate` impl. `types` are every named type, for constraints that look into a
/// field's type. The serde impl a client does not use for `role` goes behind the `server`
/// feature: a derived impl costs type checking in every build, used or not.
pub fn object(spec: &Object, types: &[Type], role: Role) -> TokenStream {
    let name = names::ident(&spec.name);
    let struct_doc = doc(&or_default(&spec.doc, || format!("`{}`.", spec.name)));
    let required: Vec<&Field> = spec.required().collect();
    let optional: Vec<&Field> = spec.optional().collect();

    let fields = spec.fields.iter().map(|f| {
        let member = names::member(&f.name);
        let field_doc = doc(&or_default(&field_doc(f), || format!("`{}`.", f.name)));
        let ty = rust_type(&f.ty);
        let rename = (member.to_string().trim_start_matches("r#") != f.name).then(|| {
            let wire = &f.name;
            quote!(#[serde(rename = #wire)])
        });
        // Seconds travel as a whole number, not serde's `{secs, nanos}` of a `Duration`.
        // The spec's validation allows it only in an always-required field.
        let seconds =
            (f.ty == TypeExpr::Seconds).then(|| quote!(#[serde(with = "crate::wire::seconds")]));
        if f.lenient {
            quote! { #field_doc #rename #[serde(default)] pub #member: #ty, }
        } else if f.required {
            quote! { #field_doc #rename #seconds pub #member: #ty, }
        } else {
            quote! {
                #field_doc
                #rename
                #[serde(default, skip_serializing_if = "Option::is_none")]
                #seconds
                pub #member: Option<#ty>,
            }
        }
    });

    let new_lifetime = super::lifetime(required.iter().map(|f| &f.ty));
    let new_args = required.iter().map(|f| {
        let member = names::member(&f.name);
        let (ty, _) = argument(&f.ty, &quote!(#member));
        quote!(#member: #ty)
    });
    let new_inits = spec.fields.iter().map(|f| {
        let member = names::member(&f.name);
        if f.required {
            let (_, conv) = argument(&f.ty, &quote!(#member));
            // Field init shorthand where the argument passes through unchanged.
            if member == conv.to_string() {
                quote!(#member)
            } else {
                quote!(#member: #conv)
            }
        } else {
            quote!(#member: None)
        }
    });
    let setters = optional.iter().map(|f| setter(f));
    let derive_default = required.is_empty().then(|| quote!(Default,));
    let new_doc = if required.is_empty() {
        format!(
            " An empty `{}`; set fields with the builder methods.",
            spec.name
        )
    } else {
        let list: Vec<String> = required.iter().map(|f| format!("`{}`", f.name)).collect();
        format!(
            " A `{}` with its required fields: {}.",
            spec.name,
            list.join(", ")
        )
    };
    let validate = validate_impl(&name, spec, types);
    let secret = spec.fields.iter().any(|f| f.secret);
    let derive_debug = (!secret).then(|| quote!(Debug,));
    let debug = secret.then(|| masked_debug(&name, &spec.fields));

    let (serde_always, serde_server) = match role {
        Role::Shared => (quote!(::serde::Serialize, ::serde::Deserialize), None),
        Role::Request => (
            quote!(::serde::Serialize),
            Some(quote!(#[cfg_attr(feature = "server", derive(::serde::Deserialize))])),
        ),
        Role::Response => (
            quote!(::serde::Deserialize),
            Some(quote!(#[cfg_attr(feature = "server", derive(::serde::Serialize))])),
        ),
    };

    quote! {
        #struct_doc
        #[derive(#derive_debug Clone, PartialEq, #derive_default #serde_always)]
        #serde_server
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = #new_doc]
            pub fn new #new_lifetime(#(#new_args),*) -> Self {
                Self { #(#new_inits),* }
            }
            #(#setters)*
        }

        #debug
        #validate
    }
}

/// `Debug` that prints `"****"` for secret fields, so a logged request or delivery keeps its key.
fn masked_debug(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let type_name = name.to_string();
    let entries = fields.iter().map(|f| {
        let member = names::member(&f.name);
        let wire = &f.name;
        let value = match (f.secret, f.required) {
            (false, _) => quote!(&self.#member),
            (true, true) => quote!(&"****"),
            (true, false) => quote!(&self.#member.as_ref().map(|_| "****")),
        };
        quote!(.field(#wire, #value))
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#type_name) #(#entries)* .finish()
            }
        }
    }
}

fn or_default(text: &str, fallback: impl FnOnce() -> String) -> String {
    if text.trim().is_empty() {
        fallback()
    } else {
        text.to_string()
    }
}

/// The builder method that sets an optional field.
pub fn setter(field: &Field) -> TokenStream {
    let member = names::member(&field.name);
    let field_doc = doc(&or_default(&field_doc(field), || {
        format!("Sets `{}`.", field.name)
    }));
    let (ty, conv) = argument(&field.ty, &quote!(#member));
    let lifetime = super::lifetime([&field.ty]);
    quote! {
        #field_doc
        pub fn #member #lifetime(mut self, #member: #ty) -> Self {
            self.#member = Some(#conv);
            self
        }
    }
}

fn validate_impl(name: &proc_macro2::Ident, spec: &Object, types: &[Type]) -> TokenStream {
    let (fields, constraints) = (&spec.fields, &spec.constraints);
    let mut checks = Vec::new();
    for f in fields {
        let member = names::member(&f.name);
        let wire = &f.name;
        // A field with request values is checked against those alone, below.
        if f.ty.named().is_some() && f.request_values.is_none() {
            checks.push(quote!(v.field(#wire, &self.#member);));
        }
        if let Some(limits) = &f.limits {
            let limits = limits_tokens(limits);
            checks.push(quote!(v.limits(#wire, &self.#member, &#limits);));
        }
        if f.ty == TypeExpr::Seconds {
            checks.push(quote!(v.whole_seconds(#wire, &self.#member);));
        }
        if let Some(format) = f.format {
            let format = names::ident(format.variant());
            checks.push(quote!(v.format(#wire, &self.#member, crate::validate::Format::#format);));
        }
        if let Some(allowed) = &f.request_values {
            let value = if f.required {
                quote!(Some(&self.#member))
            } else {
                quote!(self.#member.as_ref())
            };
            checks.push(quote! {
                if let Some(value) = #value {
                    v.request_value(#wire, value.as_str(), value.is_known(), &[#(#allowed),*]);
                }
            });
        }
    }
    for c in constraints {
        if c.kind == ConstraintKind::AvailableFilters {
            checks.push(available_filters(c, fields, types));
            continue;
        }
        let present = c.fields.iter().map(|name| {
            let member = names::member(name);
            quote!((#name, self.#member.is_some()))
        });
        if c.kind == ConstraintKind::RequiredIfNonEmpty {
            let selector = c.selector.as_deref().unwrap_or_default();
            let member = names::member(selector);
            let non_empty = match fields.iter().find(|f| f.name == selector) {
                Some(f) if f.required => quote!(!self.#member.is_empty()),
                _ => quote!(self.#member.as_ref().is_some_and(|s| !s.is_empty())),
            };
            checks.push(quote!(v.required_if_non_empty(#selector, #non_empty, &[#(#present),*]);));
            continue;
        }
        let rule = match c.kind {
            ConstraintKind::AtLeastOneOf => quote!(at_least_one_of),
            ConstraintKind::AtMostOneOf => quote!(at_most_one_of),
            _ => unreachable!("handled above"),
        };
        checks.push(quote!(v.#rule(&[#(#present),*]);));
    }
    let json_checks = presence_checks(fields);
    let validate = (!checks.is_empty()).then(|| {
        quote! {
            #[inline]
            fn validate(&self, v: &mut crate::validate::Validator) {
                #(#checks)*
            }
        }
    });
    let check_json = (!json_checks.is_empty()).then(|| {
        quote! {
            #[cfg(feature = "server")]
            fn check_json(value: &::serde_json::Value, v: &mut crate::validate::Validator) {
                #(#json_checks)*
            }
        }
    });
    quote! {
        impl crate::validate::Validate for #name {
            #validate
            #check_json
        }
    }
}

/// What the typed value cannot tell: that a request left out a list or map it must carry (an
/// answer may, so those read as empty), here and in the objects it holds.
fn presence_checks(fields: &[Field]) -> Vec<TokenStream> {
    let mut checks = Vec::new();
    for f in fields {
        let wire = &f.name;
        if f.lenient {
            checks.push(quote!(v.present(value, #wire);));
        }
        let ty = rust_type(&f.ty);
        if !f.may_omit.is_empty() {
            let omitted = &f.may_omit;
            checks.push(quote!(v.json_field_omitting::<#ty>(value, #wire, &[#(#omitted),*]);));
        } else if f.holds_lenient {
            checks.push(quote!(v.json_field::<#ty>(value, #wire);));
        }
    }
    checks
}

/// The check that every filter set is available for the selector's value; the spec validator
/// has made sure the object and the selector exist and have the right kinds.
fn available_filters(c: &Constraint, fields: &[Field], types: &[Type]) -> TokenStream {
    let object_name = &c.fields[0];
    let selector_name = c.selector.as_deref().unwrap_or_default();
    let object_field = fields.iter().find(|f| &f.name == object_name);
    let object_type = object_field.and_then(|f| f.ty.named());
    let filters = types.iter().find_map(|t| match t {
        Type::Object(object) if Some(object.name.as_str()) == object_type => Some(&object.fields),
        _ => None,
    });
    let present = filters.into_iter().flatten().map(|f| {
        let wire = &f.name;
        let member = names::member(&f.name);
        if f.required {
            quote!((#wire, true))
        } else {
            quote!((#wire, object.#member.is_some()))
        }
    });
    let object = names::member(object_name);
    let selector = names::member(selector_name);
    let check = quote! {
        v.available_filters(
            #object_name,
            #selector_name,
            self.#selector.as_str(),
            self.#selector.is_known().then(|| self.#selector.available_filters()),
            &[#(#present),*],
        );
    };
    if object_field.is_some_and(|f| f.required) {
        quote!({ let object = &self.#object; #check })
    } else {
        quote!(if let Some(object) = &self.#object { #check })
    }
}

fn limits_tokens(limits: &Limits) -> TokenStream {
    fn opt<T: quote::ToTokens>(value: Option<T>) -> TokenStream {
        match value {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        }
    }
    let min = opt(limits.min);
    let max = opt(limits.max);
    let min_length = opt(limits.min_length);
    let max_length = opt(limits.max_length);
    let min_items = opt(limits.min_items);
    let max_items = opt(limits.max_items);
    quote! {
        crate::validate::Limits {
            min: #min, max: #max, min_length: #min_length, max_length: #max_length, min_items: #min_items, max_items: #max_items,
        }
    }
}

/// A string enum with an `Other(String)` escape, so a value a server adds later still decodes.
pub fn enumeration(name: &str, description: &str, values: &[EnumValue]) -> TokenStream {
    let documented: Vec<(TokenStream, &str, TokenStream)> = values
        .iter()
        .map(|v| {
            let text = if v.description.trim().is_empty() {
                format!("`{}`", v.value)
            } else {
                format!("`{}`: {}", v.value, v.description.trim())
            };
            let variant = names::ident(&names::variant(&v.value));
            (quote!(#variant), v.value.as_str(), doc(&text))
        })
        .collect();
    let filters = values
        .iter()
        .any(|v| v.available_filters.is_some())
        .then(|| {
            let arms = values.iter().map(|v| {
                let variant = names::ident(&names::variant(&v.value));
                let list = v.available_filters.clone().unwrap_or_default();
                quote!(Self::#variant => &[#(#list),*],)
            });
            quote! {
                /// The filters the reference lists as available for this value.
                pub fn available_filters(&self) -> &'static [&'static str] {
                    match self {
                        #(#arms)*
                        Self::Other(_) => &[],
                    }
                }
            }
        });
    string_enum(name, description, &documented, filters.unwrap_or_default())
}

/// `ErrorKind`: the documented error types of the API.
pub fn error_kind(errors: &[ErrorType]) -> TokenStream {
    let documented: Vec<(TokenStream, &str, TokenStream)> = errors
        .iter()
        .map(|e| {
            let mut text = format!("`{}`: {}.", e.kind, e.default_message.trim_end_matches('.'));
            if !e.description.trim().is_empty() {
                text.push_str("\n\n");
                text.push_str(e.description.trim());
            }
            let variant = names::ident(&names::variant(&e.kind));
            (quote!(#variant), e.kind.as_str(), doc(&text))
        })
        .collect();
    let messages = errors.iter().map(|e| {
        let variant = names::ident(&names::variant(&e.kind));
        let message = &e.default_message;
        quote!(Self::#variant => Some(#message),)
    });
    let extra = quote! {
        /// The message the reference documents for this error type.
        pub fn default_message(&self) -> Option<&'static str> {
            match self {
                #(#messages)*
                Self::Other(_) => None,
            }
        }
    };
    string_enum(
        "ErrorKind",
        "The `error.type` of an API error, as documented in the reference's \"Possible errors\" table.",
        &documented,
        extra,
    )
}

fn string_enum(
    name: &str,
    description: &str,
    variants: &[(TokenStream, &str, TokenStream)],
    extra: TokenStream,
) -> TokenStream {
    let enum_doc = doc(&or_default(description, || format!("`{name}` values.")));
    let name = names::ident(name);
    let decls = variants.iter().map(|(v, _, d)| quote!(#d #v,));
    let known = variants.iter().map(|(v, _, _)| quote!(Self::#v));
    let to_str = variants.iter().map(|(v, s, _)| quote!(Self::#v => #s,));
    let from_str = variants.iter().map(|(v, s, _)| quote!(#s => Self::#v,));
    let type_name = name.to_string();
    quote! {
        #enum_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#decls)*
            /// A value this version of the crate does not know, kept as the server sent it.
            Other(String),
        }

        impl #name {
            /// Every value the reference documents, in its order.
            pub const KNOWN: &'static [#name] = &[#(#known),*];

            /// The value as it is on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Other(value) => value,
                }
            }

            /// `false` for [`Self::Other`].
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }

            #extra
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        /// Only the documented values: for input that must be right before it reaches the
        /// server (a file being imported). Answers take the lenient `From<&str>` path.
        impl ::std::str::FromStr for #name {
            type Err = crate::validate::UnknownValue;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match Self::from(value) {
                    Self::Other(value) => Err(crate::validate::UnknownValue::new(
                        #type_name,
                        value,
                        Self::KNOWN.iter().map(Self::as_str),
                    )),
                    known => Ok(known),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::wire::deserialize_str(deserializer).map(|value| Self::from(&*value))
            }
        }

        impl crate::validate::Validate for #name {
            #[inline]
            fn validate(&self, v: &mut crate::validate::Validator) {
                if let Self::Other(value) = self {
                    v.unknown_value(#type_name, value, Self::KNOWN.iter().map(Self::as_str));
                }
            }
        }
    }
}
