//! Unions: an enum with one variant per tag value, each holding its object type, and `Other`
//! keeping an object with a tag this version does not know as it came. Serde's internally
//! tagged enums cannot keep an unknown tag's object, so the impls are written out: the object is
//! read once as JSON, its tag picks the variant, and the variant's type reads the same JSON.

use super::doc;
use crate::model::Union;
use crate::names;
use proc_macro2::TokenStream;
use quote::quote;

pub fn union(union: &Union) -> TokenStream {
    let name = names::ident(&union.name);
    let tag = &union.tag;
    let variants: Vec<_> = union
        .variants
        .iter()
        .map(|v| names::ident(&names::variant(&v.value)))
        .collect();
    let types: Vec<_> = union.variants.iter().map(|v| names::ident(&v.ty)).collect();
    let values: Vec<&str> = union.variants.iter().map(|v| v.value.as_str()).collect();
    let decls = union
        .variants
        .iter()
        .zip(&variants)
        .zip(&types)
        .map(|((v, variant), ty)| {
            let text = if v.description.trim().is_empty() {
                format!("`{}`.", v.value)
            } else {
                format!("`{}`: {}", v.value, v.description.trim())
            };
            let variant_doc = doc(&text);
            quote!(#variant_doc #variant(#ty),)
        });
    let enum_doc = doc(&format!(
        "{}\n\nWhich kind it is goes by its `{tag}`; one this version does not know is \
         [`{}::Other`], kept as sent.",
        union.doc.trim(),
        union.name
    ));
    let other_doc = doc(&format!(
        "A `{tag}` this version does not know: the object as sent, `{tag}` included."
    ));
    let tag_doc = doc(&format!(
        "The value of `{tag}`: which kind of `{}` this is.",
        union.name
    ));
    // The variants hold their objects unboxed, so that a match binds them as they are; a union
    // comes a few at a time (a chat's users, a thread's events), so its size is no concern.
    quote! {
        #enum_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#decls)*
            #other_doc
            Other(::serde_json::Value),
        }

        impl #name {
            /// The values of the tag this version knows, in the reference's order.
            pub const KNOWN: &'static [&'static str] = &[#(#values),*];

            #tag_doc
            pub fn tag(&self) -> &str {
                match self {
                    #(Self::#variants(_) => #values,)*
                    Self::Other(value) => crate::wire::union::tag_of(value, #tag),
                }
            }
        }

        #(
            impl From<#types> for #name {
                fn from(value: #types) -> Self {
                    Self::#variants(value)
                }
            }
        )*

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(Self::#variants(value) => {
                        crate::wire::union::serialize(serializer, #tag, #values, value)
                    })*
                    Self::Other(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::wire::union::deserialize(deserializer, #tag, |tag, value| {
                    Ok(match tag {
                        #(#values => Self::#variants(crate::wire::union::variant(value)?),)*
                        _ => Self::Other(value),
                    })
                })
            }
        }

        impl crate::validate::Validate for #name {
            fn validate(&self, v: &mut crate::validate::Validator) {
                match self {
                    #(Self::#variants(value) => crate::validate::Validate::validate(value, v),)*
                    Self::Other(_) => {}
                }
            }
        }
    }
}
