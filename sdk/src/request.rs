//! What every generated request type is to the runtime, and batches of them.

use crate::validate::{Validate, Validator};
use crate::{ActionName, ApiError, DecodeError};
use serde::{Deserialize, Serialize};

/// A request of one action: what it is sent as and how its answer decodes.
pub trait Request: Serialize + Validate + Send + Sync + 'static {
    /// The action the request is for.
    const ACTION: ActionName;
    /// What a successful answer decodes to.
    type Response: Send + 'static;
    /// Decodes a successful answer's body.
    #[doc(hidden)]
    fn decode_response(bytes: &[u8]) -> Result<Self::Response, DecodeError>;
}

/// A request whose action has a batch endpoint.
pub trait BatchItem: Request {
    /// The batch endpoint.
    const BATCH_ACTION: ActionName;
}

/// The body of a batch endpoint: many requests of one action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRequest<R> {
    /// The requests, answered in this order.
    pub requests: Vec<R>,
}

impl<R> BatchRequest<R> {
    /// A batch of the given requests.
    pub fn new(requests: impl IntoIterator<Item = R>) -> Self {
        Self {
            requests: requests.into_iter().collect(),
        }
    }
}

impl<R: Validate> Validate for BatchRequest<R> {
    fn validate(&self, v: &mut Validator) {
        v.field("requests", &self.requests);
    }
}

impl<R: BatchItem> Request for BatchRequest<R> {
    const ACTION: ActionName = R::BATCH_ACTION;
    type Response = Vec<Result<R::Response, ApiError>>;
    fn decode_response(bytes: &[u8]) -> Result<Self::Response, DecodeError> {
        crate::decode::batch_response::<R>(bytes)
    }
}
