//! A build without the `sqlite` feature: no state file can be opened, so no store ever exists.

use super::Change;
use crate::state::State;
use std::io;
use std::path::{Path, PathBuf};

/// Never made: [`Store::open`] always fails.
#[derive(Debug)]
pub enum Store {}

impl Store {
    pub fn open(path: impl Into<PathBuf>) -> io::Result<Self> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!(
                "{}: this build of the emulator keeps no state file; enable its `sqlite` feature",
                path.into().display()
            ),
        ))
    }

    pub fn migrated_from(&self) -> Option<&Path> {
        match *self {}
    }

    pub fn load(&self) -> io::Result<Option<(State, Vec<Change>)>> {
        match *self {}
    }

    pub fn save(&self, _: &State) -> io::Result<()> {
        match *self {}
    }

    pub fn record(&self, _: &Change) -> io::Result<()> {
        match *self {}
    }

    pub fn wants_snapshot(&self) -> bool {
        match *self {}
    }
}
