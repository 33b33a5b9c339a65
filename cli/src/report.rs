//! An error as one line for the terminal: its own words, then each cause's, as the sdk's errors
//! tell a cause once, down the `source` chain.

use std::error::Error;

pub fn report(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        // A cause that repeats what is already said (some libraries print their cause too)
        // adds nothing.
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}
