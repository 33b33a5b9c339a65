//! Walking a paged list: the generated code says where an action keeps its page id, items and
//! next page id ([`Paged`]); the walk itself is written once, here.

use crate::call::Call;
use crate::client::{CallOptions, Settings};
use crate::{Client, Error, Request};
use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use std::collections::HashSet;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A request of an action that answers one page of a longer list.
pub trait Paged: Request + Clone {
    /// One item of the list.
    type Item: Send + 'static;

    /// The request for the page `page_id`, made from the first page's request: the same
    /// filters, the page id set, and the parameters a page id cannot be combined with cleared.
    #[doc(hidden)]
    fn for_page(&self, page_id: String) -> Self;

    /// The page id the request asks for, if any.
    #[doc(hidden)]
    fn page_id(&self) -> Option<&str>;

    /// The id of the page after this answer's; `None` (or empty) on the last page.
    #[doc(hidden)]
    fn next_page_id(page: &Self::Response) -> Option<&str>;

    /// The answer's items.
    #[doc(hidden)]
    fn into_items(page: Self::Response) -> Vec<Self::Item>;
}

struct Walk<R> {
    next: Option<R>,
    /// Every page id asked for so far: one that comes back again would start a loop.
    seen: HashSet<String>,
    /// An error to answer after the page that caused it.
    pending: Option<Error>,
}

/// Every page, first to last, one call each: see [`Call::pages`].
fn walk<'a, R: Paged>(
    client: &'a Client,
    first: R,
    options: CallOptions,
) -> impl Stream<Item = Result<R::Response, Error>> + Send + 'a {
    let seen = first.page_id().map(str::to_owned).into_iter().collect();
    let start = Walk {
        next: Some(first),
        seen,
        pending: None,
    };
    stream::unfold(start, move |mut walk| {
        let options = options.clone();
        async move {
            if let Some(error) = walk.pending.take() {
                return Some((Err(error), walk));
            }
            let request = walk.next.take()?;
            let page = match client.send_with(&request, Settings::Shared(&options)).await {
                Ok(page) => page,
                // A failed page ends the walk: the caller decides whether to start again.
                Err(error) => return Some((Err(error), walk)),
            };
            match R::next_page_id(&page).filter(|id| !id.is_empty()) {
                None => {}
                Some(id) if walk.seen.contains(id) => {
                    walk.pending = Some(Error::RepeatedPage {
                        action: R::ACTION,
                        page_id: id.to_owned(),
                    });
                }
                Some(id) => {
                    walk.seen.insert(id.to_owned());
                    walk.next = Some(request.for_page(id.to_owned()));
                }
            }
            Some((Ok(page), walk))
        }
    })
}

/// The pages of a list, one call each, from [`Call::pages`].
///
/// [`next`](Self::next) needs no import and no pinning; `Pages` is also a `futures` `Stream`
/// for stream combinators.
#[must_use = "a walk calls nothing until its pages are asked for"]
pub struct Pages<'a, R: Paged> {
    // Boxed so that `Pages` is `Unpin` and its type does not name the walk's future.
    walk: BoxStream<'a, Result<R::Response, Error>>,
}

impl<R: Paged> Pages<'_, R> {
    /// The next page; `None` after the last one, or after the error that ended the walk.
    pub async fn next(&mut self) -> Option<Result<R::Response, Error>> {
        StreamExt::next(&mut self.walk).await
    }
}

impl<R: Paged> Stream for Pages<'_, R> {
    type Item = Result<R::Response, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.walk.as_mut().poll_next(cx)
    }
}

impl<R: Paged> fmt::Debug for Pages<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").field("action", &R::ACTION).finish()
    }
}

impl<'a, R: Paged> Call<'a, R> {
    /// Every page of the list, as the API answers them: the first with this call's parameters,
    /// each later one with the same filters and the `next_page_id` of the page before, until a
    /// page has none. A page that fails ends the walk with its error; a page id that comes back
    /// a second time ends it with [`Error::RepeatedPage`] instead of looping.
    ///
    /// ```no_run
    /// # async fn run(client: livechat_config::Client) -> Result<(), livechat_config::Error> {
    /// let mut pages = client.list_greetings().limit(100).pages();
    /// while let Some(page) = pages.next().await {
    ///     for greeting in page?.greetings {
    ///         println!("{}", greeting.name);
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn pages(self) -> Pages<'a, R> {
        let (client, request, options) = self.into_parts();
        Pages {
            walk: walk(client, request, options).boxed(),
        }
    }

    /// The items of every page, in order: see [`Call::pages`].
    pub async fn all(self) -> Result<Vec<R::Item>, Error> {
        let mut items = Vec::new();
        let mut pages = self.pages();
        while let Some(page) = pages.next().await {
            items.extend(R::into_items(page?));
        }
        Ok(items)
    }
}
