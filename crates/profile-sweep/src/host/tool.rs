//! Whether a tool a sweep may use (Valgrind, wasm-opt, BOLT) is on this machine: found, with
//! what it is, or missing, with why and the command that installs it.

use std::fmt;

/// A tool the sweep may use, as found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tool<T> {
    /// Found: its version line, or the directory it is in.
    Found(T),
    /// Not usable here.
    Missing(Missing),
}

/// Why a tool cannot be used, and how to install it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// What is wrong, e.g. `Valgrind is not installed`.
    pub why: String,
    /// How to install it, e.g. `apt-get install valgrind (or your system's package)`.
    pub install: String,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.why, self.install)
    }
}

impl<T> Tool<T> {
    /// A missing tool.
    pub fn missing(why: impl Into<String>, install: impl Into<String>) -> Tool<T> {
        Tool::Missing(Missing { why: why.into(), install: install.into() })
    }

    /// Why it is missing, if it is.
    pub fn why_missing(&self) -> Option<&Missing> {
        match self {
            Tool::Found(_) => None,
            Tool::Missing(missing) => Some(missing),
        }
    }

    /// Whether it was found.
    pub fn is_found(&self) -> bool {
        matches!(self, Tool::Found(_))
    }

    /// What `f` makes of the found tool; a missing one stays missing.
    pub fn map<U>(&self, f: impl FnOnce(&T) -> U) -> Tool<U> {
        match self {
            Tool::Found(found) => Tool::Found(f(found)),
            Tool::Missing(missing) => Tool::Missing(missing.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_tool_says_why_and_how_to_install_it() {
        let valgrind: Tool<String> =
            Tool::missing("Valgrind is not installed", "apt-get install valgrind");
        assert!(!valgrind.is_found());
        assert_eq!(
            valgrind.why_missing().unwrap().to_string(),
            "Valgrind is not installed: apt-get install valgrind"
        );
        let found = Tool::Found("valgrind-3.19.0".to_owned());
        assert!(found.is_found() && found.why_missing().is_none());
    }
}
