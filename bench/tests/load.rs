//! A short load run for CI: 50 clients for about a second, then every acknowledged write checked.

use livechat_config_bench::load;
use livechat_config_emulator::Emulator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_clients_mixing_reads_and_writes_lose_no_acknowledged_write() {
    let emulator = Emulator::start().await.unwrap();
    let report = load::run(&emulator, 50, Duration::from_millis(800)).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors.first());
    assert!(report.missing.is_empty(), "{:?}", report.missing);
    assert!(
        report.acked_creates >= 50 && report.acked_updates > 0,
        "{report:?}"
    );
    assert_eq!(report.latencies.len() as u64, emulator.served_total() - 1);
}
