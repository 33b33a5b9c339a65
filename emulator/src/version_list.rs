//! The API versions the emulator serves: a leaf every other module may read.

use livechat_config::{v3_6, v3_7};

/// Every version served, oldest first.
pub const SERVED: [&str; 2] = [v3_6::API_VERSION, v3_7::API_VERSION];
