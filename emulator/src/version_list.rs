//! The API versions the emulator serves: a leaf every other module may read.

use livechat_config::versions::Version;

/// Every version served, oldest first: every version the sdk has.
pub const SERVED: [&str; Version::ALL.len()] = {
    let mut served = [""; Version::ALL.len()];
    let mut i = 0;
    while i < served.len() {
        served[i] = Version::ALL[i].as_str();
        i += 1;
    }
    served
};
