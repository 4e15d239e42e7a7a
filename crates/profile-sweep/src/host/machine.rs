//! The machine the runtimes were measured on: recorded in every row, since runtimes are only
//! comparable on the same host, CPU and frequency governor, and sizes only for one
//! `CARGO_HOME` path (dependency source paths are compiled in as panic locations).

use std::path::PathBuf;

/// Host facts, each read once per sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// Host name.
    pub host: String,
    /// CPU model name, if `/proc/cpuinfo` says.
    pub cpu_model: Option<String>,
    /// cpufreq governor of CPU 0, if readable (often not in containers and VMs).
    pub governor: Option<String>,
    /// Where cargo keeps registry sources: `$CARGO_HOME`, else `~/.cargo`.
    pub cargo_home: PathBuf,
}

/// `$CARGO_HOME`, else `$HOME/.cargo`, as cargo finds it.
pub fn cargo_home() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    std::env::var_os("CARGO_HOME").map_or_else(|| home.join(".cargo"), PathBuf::from)
}

/// The cargo that launched us (`$CARGO`), else `cargo` from `PATH`.
pub fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
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
            cargo_home: cargo_home(),
        }
    }
}
