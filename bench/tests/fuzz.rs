//! A short fuzz run for CI; `cargo run -p livechat-config-bench --release --bin fuzz` runs the
//! full million.

use livechat_config_bench::fuzz;

#[test]
fn twenty_thousand_mutated_bodies_decode_or_fail_without_a_panic() {
    let seeds =
        fuzz::load_corpus(&livechat_config_bench::root().join("bench/fuzz-corpus")).unwrap();
    let mut crashes = Vec::new();
    let stats = fuzz::run(&seeds, 20_000, 2, |crash| crashes.push(crash));
    assert_eq!(stats.inputs, 20_000);
    assert!(
        crashes.is_empty(),
        "{} panics, first: {:?}",
        crashes.len(),
        crashes.first()
    );
    assert!(stats.decoded > 0 && stats.rejected > 0, "{stats:?}");
}

#[test]
fn the_committed_corpus_is_what_the_spec_gives() {
    let root = livechat_config_bench::root();
    let text = std::fs::read_to_string(root.join(xtask::SPEC)).unwrap();
    let spec = serde_json::from_str(&text).unwrap();
    for (name, bytes) in fuzz::corpus_from_spec(&spec) {
        let path = root.join("bench/fuzz-corpus").join(&name);
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == bytes,
            "{name} differs; run the fuzz binary with --write-corpus"
        );
    }
}
