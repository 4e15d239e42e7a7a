//! The machine the runtimes were measured on: recorded in every row, since runtimes are only
//! comparable on the same host, CPU and frequency governor.

/// Host facts, each read once per sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// Host name.
    pub host: String,
    /// CPU model name, if `/proc/cpuinfo` says.
    pub cpu_model: Option<String>,
    /// cpufreq governor of CPU 0, if readable (often not in containers and VMs).
    pub governor: Option<String>,
}

impl Machine {
    /// Reads what Linux exposes; anything unreadable is left empty, never guessed.
    pub fn detect() -> Machine {
        let read = |path: &str| {
            std::fs::read_to_string(path)
                .ok()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let cpu_model = read("/proc/cpuinfo").and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("model name")?.split_once(':').map(|(_, v)| v.trim().to_owned())
            })
        });
        Machine {
            host: read("/proc/sys/kernel/hostname").unwrap_or_else(|| "unknown".to_owned()),
            cpu_model,
            governor: read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
        }
    }
}
