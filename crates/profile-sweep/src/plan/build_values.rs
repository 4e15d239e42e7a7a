//! The values of the build axes that are more than a name: the linkers, cargo's `debug` and
//! `split-debuginfo` spellings, and the fixed flags of build-std and Cranelift.

use crate::plan::settings::RawValue;

/// A linker other than the toolchain's default, run by the C compiler (`-fuse-ld=`). Since Rust
/// 1.90, rustc links x86_64 Linux programs with its own rust-lld; `-C linker-features=-lld`
/// (stable) turns that off, so the C compiler's choice applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Linker {
    /// GNU ld (`ld.bfd`), the C compiler's default on most Linux systems.
    Bfd,
    /// GNU gold (`ld.gold`).
    Gold,
    /// The system's LLVM lld (`ld.lld`), not rustc's own.
    Lld,
    /// mold (`ld.mold`).
    Mold,
}

impl Linker {
    /// Every linker, in the order a sweep file's values are checked.
    pub const ALL: [Linker; 4] = [Linker::Bfd, Linker::Gold, Linker::Lld, Linker::Mold];

    /// Its name in a sweep file and in the `linker` column.
    pub fn key(self) -> &'static str {
        match self {
            Linker::Bfd => "bfd",
            Linker::Gold => "gold",
            Linker::Lld => "lld",
            Linker::Mold => "mold",
        }
    }

    /// The linker called `key` (as [`Linker::key`] spells it).
    pub fn from_key(key: &str) -> Option<Linker> {
        Linker::ALL.into_iter().find(|l| l.key() == key)
    }

    /// The program the C compiler runs for it: `ld.mold`.
    pub fn program(self) -> String {
        format!("ld.{}", self.key())
    }

    /// The rustc flags that select it.
    pub fn rustflags(self) -> [&'static str; 4] {
        let fuse = match self {
            Linker::Bfd => "link-arg=-fuse-ld=bfd",
            Linker::Gold => "link-arg=-fuse-ld=gold",
            Linker::Lld => "link-arg=-fuse-ld=lld",
            Linker::Mold => "link-arg=-fuse-ld=mold",
        };
        ["-C", "linker-features=-lld", "-C", fuse]
    }

    /// How to install it (Debian's package names).
    pub fn install(self) -> &'static str {
        match self {
            Linker::Bfd | Linker::Gold => "apt-get install binutils (or your system's package)",
            Linker::Lld => "apt-get install lld (or your system's package)",
            Linker::Mold => "apt-get install mold (or your system's package)",
        }
    }
}

/// The profile key `debug`, in canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DebugInfo {
    /// No debug info (`false`, `0`, `"none"`).
    None,
    /// Line directives only, for profilers.
    LineDirectivesOnly,
    /// Line tables only: backtraces with file and line.
    LineTablesOnly,
    /// Without types and variables (`1`, `"limited"`).
    Limited,
    /// Full debug info (`true`, `2`, `"full"`).
    Full,
}

impl DebugInfo {
    /// Parses any spelling cargo accepts.
    pub(super) fn parse(raw: &RawValue) -> Option<DebugInfo> {
        use RawValue::{Bool, Int, Str};
        Some(match raw {
            Bool(false) | Int(0) => DebugInfo::None,
            Int(1) => DebugInfo::Limited,
            Bool(true) | Int(2) => DebugInfo::Full,
            Str(s) => match s.as_str() {
                "none" => DebugInfo::None,
                "line-directives-only" => DebugInfo::LineDirectivesOnly,
                "line-tables-only" => DebugInfo::LineTablesOnly,
                "limited" => DebugInfo::Limited,
                "full" => DebugInfo::Full,
                _ => return None,
            },
            Int(_) => return None,
        })
    }

    /// Cargo's string spelling, as written into profiles and the `debug` column.
    pub fn key(self) -> &'static str {
        match self {
            DebugInfo::None => "none",
            DebugInfo::LineDirectivesOnly => "line-directives-only",
            DebugInfo::LineTablesOnly => "line-tables-only",
            DebugInfo::Limited => "limited",
            DebugInfo::Full => "full",
        }
    }

    /// Its word in variant ids.
    pub(super) fn id_word(self) -> &'static str {
        match self {
            DebugInfo::LineDirectivesOnly => "directives",
            DebugInfo::LineTablesOnly => "lines",
            other => other.key(),
        }
    }
}

/// The profile key `split-debuginfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SplitDebuginfo {
    /// Debug info in the executable (Linux's default).
    Off,
    /// Debug info in one file beside it (`.dwp`).
    Packed,
    /// Debug info left in the object files (`.dwo`): nothing to gather at link time.
    Unpacked,
}

impl SplitDebuginfo {
    /// Cargo's spelling.
    pub fn key(self) -> &'static str {
        match self {
            SplitDebuginfo::Off => "off",
            SplitDebuginfo::Packed => "packed",
            SplitDebuginfo::Unpacked => "unpacked",
        }
    }

    pub(super) fn from_key(key: &str) -> Option<SplitDebuginfo> {
        [SplitDebuginfo::Off, SplitDebuginfo::Packed, SplitDebuginfo::Unpacked]
            .into_iter()
            .find(|s| s.key() == key)
    }
}

/// The rustup component that holds the Cranelift backend.
pub const CRANELIFT_COMPONENT: &str = "rustc-codegen-cranelift-preview";

/// The `-Z build-std` flags of a `build-std = true` variant: std and panic_abort from source,
/// with std's `optimize_for_size` feature, as min-sized-rust describes.
pub const BUILD_STD_FLAGS: [&str; 4] =
    ["-Z", "build-std=std,panic_abort", "-Z", "build-std-features=optimize_for_size"];
