//! A version served by its neighbour's handlers (the next version toward the stable one): for
//! each action both have, conversions of the request to the neighbour's and of its answer back,
//! written field by field from the two specs. The conversions destructure and build every field
//! by name, so types that stop matching what the specs said fail to compile rather than lose a
//! field at run time. What the conversion cannot carry decides the rest: a request field only
//! this version has, a field the neighbour requires and this version lacks, or types that do not
//! correspond make the action this version's own, part of the `OwnHandlers` a server writes.
//! An answer field only the neighbour has is left out (this version does not show it), and one
//! only this version has, optional, is absent.

use super::{actions::response_type, doc};
use crate::model::{Field, Model, Object, Response, Type};
use crate::names;
use crate::type_expr::TypeExpr;
use heck::ToSnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// Which way a value goes: a request to the neighbour, or the neighbour's answer back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Way {
    Request,
    Answer,
}

/// How one value becomes the other version's.
enum Conv {
    Same,
    /// A generated function of this module.
    Func(Ident),
    /// A named type's `From` impl.
    Into,
    /// An enum, by its wire value.
    Enum(TokenStream),
    List(Box<Conv>),
    Map(Box<Conv>),
}

impl Conv {
    fn apply(&self, value: TokenStream) -> TokenStream {
        match self {
            Conv::Same => value,
            Conv::Func(f) => quote!(#f(#value)),
            Conv::Into => quote!(#value.into()),
            Conv::Enum(target) => quote!(#target::from(#value.as_str())),
            Conv::List(inner) => {
                let f = inner.callable();
                quote!(#value.into_iter().map(#f).collect())
            }
            Conv::Map(inner) => {
                let v = inner.apply(quote!(v));
                quote!(#value.into_iter().map(|(k, v)| (k, #v)).collect())
            }
        }
    }

    fn callable(&self) -> TokenStream {
        match self {
            Conv::Func(f) => quote!(#f),
            Conv::Into => quote!(Into::into),
            other => {
                let body = other.apply(quote!(v));
                quote!(|v| #body)
            }
        }
    }
}

struct Bridge<'a> {
    own: &'a Model,
    neighbour: &'a Model,
    /// The named types that are one Rust type in both modules.
    same: &'a BTreeSet<String>,
    own_objects: BTreeMap<String, &'a Object>,
    neighbour_objects: BTreeMap<String, &'a Object>,
    /// The named object types of this version: their conversions are `From` impls.
    named_types: BTreeSet<String>,
    /// The object conversions asked for, and those found impossible.
    wanted: BTreeMap<(Way, String), Result<(), String>>,
}

fn objects(model: &Model) -> BTreeMap<String, &Object> {
    let mut map = BTreeMap::new();
    for ty in &model.types {
        if let Type::Object(object) = ty {
            map.insert(object.name.clone(), object);
        }
    }
    for action in &model.actions {
        map.insert(action.request.name.clone(), &action.request);
        if let Response::Fields(object) = &action.response {
            map.insert(object.name.clone(), object);
        }
    }
    map
}

fn enum_values(model: &Model, name: &str) -> Option<BTreeSet<String>> {
    model.types.iter().find_map(|t| match t {
        Type::Enum {
            name: n, values, ..
        } if n == name => Some(values.iter().map(|v| v.value.clone()).collect()),
        _ => None,
    })
}

fn rust_required(field: &Field) -> bool {
    field.required || field.lenient
}

impl Bridge<'_> {
    fn path(&self, way: Way, source: bool, name: &str) -> TokenStream {
        let ident = names::ident(name);
        let neighbour = names::ident(&self.neighbour.module);
        // The request goes from this module to the neighbour's; the answer comes back.
        if (way == Way::Request) == source {
            quote!(#ident)
        } else {
            quote!(crate::#neighbour::#ident)
        }
    }

    fn func(way: Way, name: &str) -> Ident {
        let prefix = match way {
            Way::Request => "to",
            Way::Answer => "from",
        };
        format_ident!("{prefix}_{}", name.to_snake_case())
    }

    /// The models of the source and target of `way`.
    fn ends(&self, way: Way) -> (&Model, &Model) {
        match way {
            Way::Request => (self.own, self.neighbour),
            Way::Answer => (self.neighbour, self.own),
        }
    }

    fn conv(&mut self, way: Way, from: &TypeExpr, to: &TypeExpr) -> Result<Conv, String> {
        match (from, to) {
            (TypeExpr::Array(a), TypeExpr::Array(b)) => Ok(match self.conv(way, a, b)? {
                Conv::Same => Conv::Same,
                inner => Conv::List(Box::new(inner)),
            }),
            (TypeExpr::Map(a), TypeExpr::Map(b)) => Ok(match self.conv(way, a, b)? {
                Conv::Same => Conv::Same,
                inner => Conv::Map(Box::new(inner)),
            }),
            (TypeExpr::Named(a), TypeExpr::Named(b)) if a == b => self.named(way, a),
            (a, b) if a == b && a.named().is_none() => Ok(Conv::Same),
            (a, b) => Err(format!("`{a}` and `{b}` do not correspond")),
        }
    }

    fn named(&mut self, way: Way, name: &str) -> Result<Conv, String> {
        if self.same.contains(name) {
            return Ok(Conv::Same);
        }
        let (source, target) = self.ends(way);
        if let (Some(from), Some(to)) = (enum_values(source, name), enum_values(target, name)) {
            let unknown: Vec<&String> = from.difference(&to).collect();
            if way == Way::Request && !unknown.is_empty() {
                return Err(format!(
                    "`{name}` has values the other version lacks: {unknown:?}"
                ));
            }
            return Ok(Conv::Enum(self.path(way, false, name)));
        }
        self.object(way, name)?;
        Ok(Conv::Into)
    }

    /// Checks that the object converts (recursively), remembering it to emit.
    fn object(&mut self, way: Way, name: &str) -> Result<(), String> {
        let key = (way, name.to_string());
        if let Some(known) = self.wanted.get(&key) {
            return known.clone();
        }
        // A type that holds itself converts if the rest does.
        self.wanted.insert(key.clone(), Ok(()));
        let result = self.fields(way, name).map(drop);
        self.wanted.insert(key, result.clone());
        result
    }

    /// The field list of a conversion: each target field's value, and the source fields left out.
    #[allow(clippy::type_complexity)]
    fn fields(
        &mut self,
        way: Way,
        name: &str,
    ) -> Result<(Vec<(Ident, TokenStream)>, Vec<Ident>), String> {
        let (sources, targets) = match way {
            Way::Request => (&self.own_objects, &self.neighbour_objects),
            Way::Answer => (&self.neighbour_objects, &self.own_objects),
        };
        let (Some(&from), Some(&to)) = (sources.get(name), targets.get(name)) else {
            return Err(format!("`{name}` is not an object of both versions"));
        };
        // This version's field and the neighbour's of the same meaning.
        let own = |f: &Field| f.neighbour_name.clone().unwrap_or_else(|| f.name.clone());
        let counterpart = |target: &Field| -> Option<&Field> {
            match way {
                Way::Request => from.fields.iter().find(|f| own(f) == target.name),
                Way::Answer => from.field(&own(target)),
            }
        };
        let mut built = Vec::new();
        for target in &to.fields {
            let member = names::member(&target.name);
            let value = match counterpart(target) {
                Some(source) => {
                    let conv = self
                        .conv(way, &source.ty, &target.ty)
                        .map_err(|e| format!("`{name}.{}`: {e}", target.name))?;
                    let v = names::member(&source.name);
                    let v = quote!(#v);
                    match (rust_required(source), rust_required(target)) {
                        (true, true) => conv.apply(v),
                        (true, false) => {
                            let v = conv.apply(v);
                            quote!(Some(#v))
                        }
                        (false, false) => match conv {
                            Conv::Same => v,
                            conv => {
                                let f = conv.callable();
                                quote!(#v.map(#f))
                            }
                        },
                        (false, true) => {
                            return Err(format!(
                                "`{name}.{}` is required only in the other version",
                                target.name
                            ))
                        }
                    }
                }
                None if !rust_required(target) => quote!(None),
                None if target.lenient && way == Way::Answer => {
                    quote!(::std::default::Default::default())
                }
                None => {
                    return Err(format!(
                        "`{name}.{}` is required and the other version lacks it",
                        target.name
                    ))
                }
            };
            built.push((member, value));
        }
        let mut dropped = Vec::new();
        for source in &from.fields {
            let kept = match way {
                Way::Request => to.field(&own(source)).is_some(),
                Way::Answer => to.fields.iter().any(|t| own(t) == source.name),
            };
            if !kept {
                if way == Way::Request {
                    return Err(format!(
                        "`{name}.{}` is a request field only this version has",
                        source.name
                    ));
                }
                dropped.push(names::member(&source.name));
            }
        }
        Ok((built, dropped))
    }

    fn response(&mut self, own: &Response, theirs: &Response) -> Result<Conv, String> {
        match (theirs, own) {
            (Response::Empty, Response::Empty) => Ok(Conv::Same),
            (Response::Type(a), Response::Type(b)) => self.conv(Way::Answer, a, b),
            (Response::Fields(a), Response::Fields(b)) if a.name == b.name => {
                self.object(Way::Answer, &a.name)?;
                Ok(Conv::Func(Self::func(Way::Answer, &a.name)))
            }
            _ => Err("the answers differ in kind".into()),
        }
    }

    fn function(&mut self, way: Way, name: &str) -> TokenStream {
        let Ok((built, dropped)) = self.fields(way, name) else {
            return TokenStream::new();
        };
        let f = Self::func(way, name);
        let from = self.path(way, true, name);
        let to = self.path(way, false, name);
        let sources = match way {
            Way::Request => &self.own_objects,
            Way::Answer => &self.neighbour_objects,
        };
        let bound = sources[name]
            .fields
            .iter()
            .map(|f| names::member(&f.name))
            .filter(|m| !dropped.contains(m));
        let values = built.iter().map(|(m, v)| {
            if *m == v.to_string() {
                quote!(#m)
            } else {
                quote!(#m: #v)
            }
        });
        let body = quote! {
            let #from { #(#bound,)* #(#dropped: _,)* } = value;
            #to { #(#values),* }
        };
        if self.named_types.contains(name) {
            let text = match way {
                Way::Request => format!(
                    "v{}'s `{name}` as v{}'s: every field carried.",
                    self.own.version, self.neighbour.version
                ),
                Way::Answer => format!(
                    "v{}'s `{name}` as v{} shows it: a field only v{} has is left out.",
                    self.neighbour.version, self.own.version, self.neighbour.version
                ),
            };
            let impl_doc = doc(&text);
            return quote! {
                #impl_doc
                impl From<#from> for #to {
                    fn from(value: #from) -> Self {
                        #body
                    }
                }
            };
        }
        quote! {
            fn #f(value: #from) -> #to {
                #body
            }
        }
    }
}

/// The bridge of `own` (not the stable version) to `neighbour`, appended to `own`'s `server.rs`.
/// `same` names the types that are one Rust type in both modules.
pub fn bridge(own: &Model, neighbour: &Model, same: &BTreeSet<String>) -> TokenStream {
    let mut b = Bridge {
        own,
        neighbour,
        same,
        own_objects: objects(own),
        neighbour_objects: objects(neighbour),
        named_types: own.types.iter().map(|t| t.name().to_string()).collect(),
        wanted: BTreeMap::new(),
    };
    let n = names::ident(&neighbour.module);
    let mut own_methods = Vec::new();
    let mut forwarded = Vec::new();
    for action in &own.actions {
        let method = names::member(&action.name);
        let request = names::ident(&names::request_type(&action.name));
        let response = response_type(action);
        let signature =
            quote!(fn #method(&mut self, request: #request) -> Result<#response, Self::Error>);
        let shared = neighbour
            .actions
            .iter()
            .find(|a| a.name == action.name)
            .ok_or_else(|| format!("v{} has no `{}`", neighbour.version, action.name))
            .and_then(|theirs| {
                let before = b.wanted.clone();
                let checked = b
                    .object(Way::Request, &action.request.name)
                    .and_then(|()| b.response(&action.response, &theirs.response));
                if checked.is_err() {
                    // Nothing an action that is not forwarded asked for is emitted.
                    b.wanted = before;
                }
                checked
            });
        match shared {
            Ok(answer) => {
                let to = Bridge::func(Way::Request, &action.request.name);
                let call = quote!(crate::#n::Handlers::#method(self, #to(request)));
                let body = match answer {
                    Conv::Same => call,
                    conv => {
                        let f = conv.callable();
                        quote!(#call.map(#f))
                    }
                };
                forwarded.push(quote! {
                    #signature { #body }
                });
            }
            Err(why) => {
                let text = format!(
                    "`{}`: {}. Served by this version alone: {why}.",
                    action.name, action.title
                );
                let method_doc = doc(&text);
                own_methods.push(quote! { #method_doc #signature; });
                forwarded.push(quote! {
                    #signature { OwnHandlers::#method(self, request) }
                });
            }
        }
    }
    // Every named type that converts gets its `From` impls, whether or not an action needs them:
    // a hand-written `OwnHandlers` method uses them too.
    for ty in &own.types {
        let name = ty.name();
        if matches!(ty, Type::Object(_))
            && !same.contains(name)
            && b.neighbour_objects.contains_key(name)
        {
            let _ = b.object(Way::Request, name);
            let _ = b.object(Way::Answer, name);
        }
    }
    let wanted: Vec<(Way, String)> = b
        .wanted
        .iter()
        .filter(|(_, ok)| ok.is_ok())
        .map(|(k, _)| k.clone())
        .collect();
    // The conversions of types only the chat webhooks hold are behind their feature, as the
    // types are.
    let functions = wanted.iter().map(|(way, name)| {
        let tokens = b.function(*way, name);
        match own.gated_types.contains(name) || neighbour.gated_types.contains(name) {
            true => super::gate(tokens),
            false => tokens,
        }
    });
    let own_v = &own.version;
    let their_v = &neighbour.version;
    let own_doc = doc(&format!(
        "What a server of v{their_v} adds to serve v{own_v}: the actions of v{own_v} that \
         v{their_v}'s [`Handlers`](crate::{n}::Handlers) cannot serve. Every type implementing \
         both is a [`Handlers`] of v{own_v}: its other actions run v{their_v}'s methods, their \
         requests and answers converted field by field."
    ));
    let blanket = own_methods
        .is_empty()
        .then(|| quote!(impl<T: crate::#n::Handlers + ?Sized> OwnHandlers for T {}));
    quote! {
        use super::*;

        #own_doc
        pub trait OwnHandlers: crate::#n::Handlers {
            #(#own_methods)*
        }

        #blanket

        impl<T: OwnHandlers + ?Sized> Handlers for T {
            type Error = <T as crate::#n::Handlers>::Error;

            fn invalid(&mut self, error: crate::DecodeError) -> Self::Error {
                crate::#n::Handlers::invalid(self, error)
            }

            fn unserializable(&mut self, error: ::serde_json::Error) -> Self::Error {
                crate::#n::Handlers::unserializable(self, error)
            }

            fn item_error(&mut self, error: Self::Error) -> ::serde_json::Value {
                crate::#n::Handlers::item_error(self, error)
            }

            #(#forwarded)*
        }

        #(#functions)*
    }
}
