//! What building and running Windows executables on Linux needs: mingw-w64's C compiler, the
//! linker rustc calls for `*-windows-gnu` targets on a non-Windows host, and Wine, which runs
//! an x86-64 Windows program on x86-64 Linux (its own costs are in every time it gives).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::host::tool::Tool;

/// Whether `target` is a Windows target built with mingw (`x86_64-pc-windows-gnu`).
pub fn needs_mingw(target: &str) -> bool {
    target.contains("-windows-gnu")
}

/// The mingw-w64 C compiler rustc links `target` with: `x86_64-w64-mingw32-gcc`, its version
/// line, or missing with the package that installs it.
pub fn mingw_linker(target: &str) -> Tool<String> {
    let arch = target.split('-').next().unwrap_or("x86_64");
    let program = format!("{arch}-w64-mingw32-gcc");
    match Command::new(&program).arg("--version").output() {
        Ok(output) if output.status.success() => {
            let text = String::from_utf8_lossy(&output.stdout);
            Tool::Found(text.lines().next().unwrap_or_default().trim().to_owned())
        }
        _ => Tool::missing(
            format!("{program}, the linker rustc uses for {target}, is not installed"),
            format!(
                "apt-get install gcc-mingw-w64-{} (or your system's mingw-w64)",
                arch.replace('_', "-")
            ),
        ),
    }
}

/// Whether `host` can run `target`'s executables under Wine: an x86-64 Windows target on
/// x86-64 Linux.
pub fn runs_under_wine(target: &str, host: &str) -> bool {
    target.starts_with("x86_64-")
        && target.contains("-windows-")
        && host.starts_with("x86_64-")
        && host.contains("-linux-")
}

/// Wine, when the host can run `target`'s executables through it ([`runs_under_wine`]): the
/// program and its version line; `None` for other targets.
pub fn wine_for(target: &str, host: &str) -> Option<Tool<(PathBuf, String)>> {
    if !runs_under_wine(target, host) {
        return None;
    }
    let found = ["wine", "wine64"].into_iter().find_map(|name| {
        let output = Command::new(name).arg("--version").output().ok()?;
        output.status.success().then(|| {
            let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            (PathBuf::from(name), version)
        })
    });
    Some(match found {
        Some(wine) => Tool::Found(wine),
        None => Tool::missing(
            "Wine is not installed, so this machine cannot run Windows executables",
            "apt-get install wine64 (or your system's Wine)",
        ),
    })
}

/// The command that runs `executable`: itself, or under `runner` (Wine).
pub fn command_for(executable: &Path, runner: Option<&Path>) -> Command {
    match runner {
        Some(runner) => {
            let mut command = Command::new(runner);
            command.arg(executable);
            command
        }
        None => Command::new(executable),
    }
}

/// The DLL Wine could not find for the program, from its stderr (`err:module:import_dll
/// Library bcryptprimitives.dll (which is needed by ...) not found`).
pub fn missing_dll(stderr: &str) -> Option<&str> {
    let line = stderr.lines().find(|l| l.contains("import_dll") && l.contains("not found"))?;
    line.split("Library ").nth(1)?.split_whitespace().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_x86_64_windows_on_x86_64_linux_runs_under_wine() {
        let host = "x86_64-unknown-linux-gnu";
        assert!(wine_for("x86_64-pc-windows-gnu", host).is_some());
        assert!(wine_for("x86_64-pc-windows-msvc", host).is_some());
        assert!(wine_for("aarch64-pc-windows-msvc", host).is_none());
        assert!(wine_for("x86_64-unknown-linux-musl", host).is_none());
        assert!(wine_for("x86_64-pc-windows-gnu", "aarch64-apple-darwin").is_none());
        assert!(needs_mingw("x86_64-pc-windows-gnu") && !needs_mingw("x86_64-pc-windows-msvc"));
        let command = command_for(Path::new("a.exe"), Some(Path::new("wine")));
        assert_eq!(command.get_program(), "wine");
        assert_eq!(command.get_args().collect::<Vec<_>>(), ["a.exe"]);
        let stderr = "0024:err:module:import_dll Library bcryptprimitives.dll (which is needed by L\"Z:\\\\hello.exe\") not found\n";
        assert_eq!(missing_dll(stderr), Some("bcryptprimitives.dll"));
        assert_eq!(missing_dll("wine: configuration updated\n"), None);
    }
}
