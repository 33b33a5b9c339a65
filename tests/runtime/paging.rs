//! Walking a paged list against a real server: the request type is what the generator writes for
//! `tests/fixtures/paging.json` (see its snapshot), with the runtime's walker over it.

use futures_util::StreamExt;
use livechat_config::validate::Validate;
use livechat_config::{ActionInfo, ActionName, DecodeError, Error, Paged, Request};
use livechat_config_tests::{Reply, TestServer};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

static LIST_GREETINGS: ActionInfo =
    ActionInfo::new("/v0.1/fixture/action/", "list_greetings", true, &[]);

#[derive(Debug, Clone, Default, Serialize)]
struct ListGreetingsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    active: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<u64>,
}

impl Validate for ListGreetingsRequest {}

#[derive(Debug, Deserialize)]
struct ListGreetingsResponse {
    greetings: Vec<Greeting>,
    next_page_id: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Greeting {
    id: u64,
}

impl Request for ListGreetingsRequest {
    const ACTION: ActionName = ActionName::listed(&LIST_GREETINGS);
    type Response = ListGreetingsResponse;
    fn decode_response(bytes: &[u8]) -> Result<Self::Response, DecodeError> {
        // The test server answers only well-formed pages.
        Ok(serde_json::from_slice(bytes).expect("a page"))
    }
}

impl Paged for ListGreetingsRequest {
    type Item = Greeting;
    fn for_page(&self, page_id: String) -> Self {
        let mut next = self.clone();
        next.page_id = Some(page_id);
        next.groups = None;
        next.limit = None;
        next
    }
    fn page_id(&self) -> Option<&str> {
        self.page_id.as_deref()
    }
    fn next_page_id(page: &Self::Response) -> Option<&str> {
        page.next_page_id.as_deref()
    }
    fn into_items(page: Self::Response) -> Vec<Self::Item> {
        page.greetings
    }
}

fn first_page() -> ListGreetingsRequest {
    ListGreetingsRequest {
        groups: Some(vec![1]),
        active: Some(true),
        limit: Some(2),
        ..Default::default()
    }
}

#[tokio::test]
async fn all_follows_next_page_id_with_the_first_pages_filters() {
    let server = TestServer::start().await;
    server.handle(pages(&[
        (None, &[1, 2], Some("p2")),
        (Some("p2"), &[3, 4], Some("p3")),
        (Some("p3"), &[5], None),
    ]));
    let client = server.client();
    let items = client.call(first_page()).all().await.unwrap();
    let ids: Vec<u64> = items.iter().map(|g| g.id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);

    let requests = server.requests();
    assert_eq!(requests.len(), 3, "one call per page, none repeated");
    assert!(requests
        .iter()
        .all(|r| r.path == "/v0.1/fixture/action/list_greetings"));
    let bodies: Vec<Value> = requests.iter().map(|r| r.json()).collect();
    assert_eq!(
        bodies[0],
        json!({"groups": [1], "active": true, "limit": 2})
    );
    // Later pages carry the page id and the filters a page id may be combined with, not the
    // ones it excludes.
    assert_eq!(bodies[1], json!({"active": true, "page_id": "p2"}));
    assert_eq!(bodies[2], json!({"active": true, "page_id": "p3"}));
}

#[tokio::test]
async fn a_page_id_that_comes_back_stops_the_walk_with_a_typed_error() {
    let server = TestServer::start().await;
    server.handle(pages(&[
        (None, &[1], Some("a")),
        (Some("a"), &[2], Some("b")),
        (Some("b"), &[3], Some("a")),
    ]));
    let client = server.client();
    let pages: Vec<Result<ListGreetingsResponse, Error>> =
        client.call(first_page()).pages().collect().await;
    assert_eq!(pages.len(), 4, "{pages:?}");
    let ids: Vec<u64> = pages[..3]
        .iter()
        .flat_map(|p| p.as_ref().unwrap().greetings.iter().map(|g| g.id))
        .collect();
    assert_eq!(ids, [1, 2, 3]);
    match &pages[3] {
        Err(Error::RepeatedPage { action, page_id }) => {
            assert_eq!(action.as_str(), "list_greetings");
            assert_eq!(page_id, "a");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.requests().len(),
        3,
        "page `a` is not asked for twice"
    );

    let err = client.call(first_page()).all().await.unwrap_err();
    assert!(matches!(err, Error::RepeatedPage { .. }), "{err}");
    assert_eq!(err.action().unwrap().as_str(), "list_greetings");
    assert_eq!(server.requests().len(), 6);
}

#[tokio::test]
async fn a_page_that_fails_ends_the_walk_with_its_error() {
    let server = TestServer::start().await;
    // The second page is unknown to the server: it answers a validation error.
    server.handle(pages(&[(None, &[1], Some("gone"))]));
    let client = server.client();
    let pages: Vec<Result<ListGreetingsResponse, Error>> =
        client.call(first_page()).pages().collect().await;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].is_ok());
    let err = pages[1].as_ref().unwrap_err();
    assert_eq!(err.api_kind().map(|k| k.as_str()), Some("validation"));
    assert_eq!(server.requests().len(), 2);
}

type Link = (Option<&'static str>, &'static [u64], Option<&'static str>);

/// Answers the page a request's `page_id` names (the first page without one): its ids, and a
/// `next_page_id` when it has a next page.
fn pages(
    links: &'static [Link],
) -> impl Fn(&livechat_config_tests::Recorded) -> Reply + Send + Sync {
    move |request| {
        let body = request.json();
        let asked = body["page_id"].as_str();
        match links.iter().find(|(id, _, _)| *id == asked) {
            Some((_, ids, next)) => {
                let greetings: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
                let mut page = json!({"greetings": greetings});
                if let Some(next) = next {
                    page["next_page_id"] = json!(next);
                }
                Reply::json(200, page)
            }
            None => Reply::error(400, "validation"),
        }
    }
}
