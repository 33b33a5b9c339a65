//! An answer's body as reqwest hands it over, chunk by chunk.

use bytes::Bytes;

/// An answer's body as its chunks arrive. The first is kept as it came, with no copy: with a
/// length announced it is usually the whole body.
#[derive(Default)]
pub(super) struct Received {
    first: Bytes,
    more: Vec<u8>,
    /// The length the answer announced (within the size limit), reserved at the second chunk.
    announced: usize,
}

impl Received {
    pub(super) fn expecting(announced: usize) -> Self {
        Self {
            announced,
            ..Self::default()
        }
    }

    pub(super) fn push(&mut self, chunk: Bytes) {
        if self.first.is_empty() {
            self.first = chunk;
            return;
        }
        if self.more.is_empty() {
            self.more
                .reserve(self.announced.max(self.first.len() + chunk.len()));
            self.more.extend_from_slice(&self.first);
        }
        self.more.extend_from_slice(&chunk);
    }

    pub(super) fn len(&self) -> usize {
        if self.more.is_empty() {
            self.first.len()
        } else {
            self.more.len()
        }
    }

    pub(super) fn as_slice(&self) -> &[u8] {
        if self.more.is_empty() {
            &self.first
        } else {
            &self.more
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_received_in_chunks_reads_as_they_came() {
        let whole = b"{\"id\":\"agent@example.com\",\"name\":\"Agent\"}";
        for cuts in [vec![], vec![0], vec![5], vec![0, 1, 1, 7], vec![3, 10, 40]] {
            let mut body = Received::expecting(whole.len());
            let mut at = 0;
            for cut in cuts.iter().copied().chain([whole.len()]) {
                body.push(Bytes::copy_from_slice(&whole[at..cut]));
                at = cut;
                assert_eq!(body.len(), at);
                assert_eq!(body.as_slice(), &whole[..at], "cut at {cuts:?}");
            }
        }
        assert!(Received::default().as_slice().is_empty());
    }
}
