//! What the client rows read about their own process: CPU time, peak memory, and which core
//! it may run on.

use std::time::Duration;

/// User + system CPU time of the whole process (every thread) so far, to the nanosecond: the
/// client rows measure blocks of a few milliseconds.
pub fn cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a plain C struct that clock_gettime fills.
    if unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Peak resident memory since start or the last [`reset_peak_rss`], in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

/// Resident memory now, in KiB.
pub fn rss_kib() -> Option<u64> {
    status_kib("VmRSS:")
}

/// Starts a new peak-memory phase (Linux ≥ 4.0); false where the kernel does not allow it.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Cores this process may run on.
pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
}

fn set_affinity(tid: libc::pid_t, set: &libc::cpu_set_t) -> bool {
    // SAFETY: `set` is a valid cpu_set_t for the duration of the call.
    unsafe { libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), set) == 0 }
}

fn threads() -> Vec<libc::pid_t> {
    std::fs::read_dir("/proc/self/task")
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The cores every thread of the process may run on, to give back with [`restore`].
pub struct Affinity(libc::cpu_set_t);

/// Pins every thread of the process (and so every thread it starts later) to `core`.
pub fn pin_process(core: usize) -> Option<Affinity> {
    // SAFETY: zeroed cpu_set_t values are empty sets, filled by the libc calls and macros.
    let (before, mut only) = unsafe {
        let mut before: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut before) != 0 {
            return None;
        }
        (before, std::mem::zeroed::<libc::cpu_set_t>())
    };
    // SAFETY: `only` is a valid set; CPU_SET bounds-checks the core.
    unsafe { libc::CPU_SET(core, &mut only) };
    let all = threads().iter().all(|tid| set_affinity(*tid, &only));
    all.then_some(Affinity(before))
}

/// Lets every thread run where it could before [`pin_process`].
pub fn restore(affinity: Affinity) {
    for tid in threads() {
        set_affinity(tid, &affinity.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_grows_with_work_and_memory_is_read() {
        let before = cpu_time();
        let mut x = 0u64;
        let started = std::time::Instant::now();
        while started.elapsed() < Duration::from_millis(30) {
            x = x.wrapping_mul(31).wrapping_add(1);
        }
        std::hint::black_box(x);
        assert!(cpu_time() - before >= Duration::from_millis(10));
        assert!(peak_rss_kib().unwrap() >= rss_kib().unwrap() / 2);
    }
}
