//! What must ship with an executable: the shared libraries it loads, as the dynamic loader finds
//! them (`ldd`), split into the Rust toolchain's own (a `-C prefer-dynamic` binary's
//! `libstd-*.so`, which must ship with it) and the operating system's (libc and the loader); and
//! the files of a minimal container image: the executable alone when it is static (`FROM
//! scratch`), else with every library and the loader. No container engine is involved: the
//! image's size is the sum of the files that would go into it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The libraries one executable needs, and what shipping it costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shipping {
    /// Shared libraries and the loader, resolved to real files; empty for a static executable.
    pub libraries: Vec<PathBuf>,
    /// Whether any library comes from the toolchain directory: then running the executable
    /// needs that directory in `LD_LIBRARY_PATH`.
    pub needs_toolchain_libraries: bool,
    /// The executable plus the toolchain's libraries it loads, bytes.
    pub shipped_bytes: u64,
    /// The executable plus every library and the loader, bytes.
    pub image_bytes: u64,
}

/// Finds what `executable` loads, looking for the toolchain's libraries in `toolchain_libdir`.
/// Fails when a library cannot be found at all.
pub fn analyse(executable: &Path, toolchain_libdir: &Path) -> Result<Shipping> {
    if !cfg!(target_os = "linux") {
        bail!(
            "not supported on this platform yet: shipped and image sizes come from glibc's `ldd`"
        );
    }
    let output = Command::new("ldd")
        .arg(executable)
        .env("LD_LIBRARY_PATH", toolchain_libdir)
        .output()
        .context("cannot run `ldd` (glibc's libc-bin) to find the executable's shared libraries")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let libraries = parse_ldd(&text)?;
    let file_bytes = |path: &Path| {
        std::fs::metadata(path)
            .map(|m| m.len())
            .with_context(|| format!("cannot read {}", path.display()))
    };
    let own = file_bytes(executable)?;
    let toolchain_dir =
        toolchain_libdir.canonicalize().unwrap_or_else(|_| toolchain_libdir.to_owned());
    let (mut shipped_bytes, mut image_bytes, mut needs_toolchain_libraries) = (own, own, false);
    let mut resolved = Vec::new();
    for library in libraries {
        let real = library
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", library.display()))?;
        let bytes = file_bytes(&real)?;
        image_bytes += bytes;
        if real.starts_with(&toolchain_dir) {
            shipped_bytes += bytes;
            needs_toolchain_libraries = true;
        }
        resolved.push(real);
    }
    Ok(Shipping { libraries: resolved, needs_toolchain_libraries, shipped_bytes, image_bytes })
}

/// The library paths in `ldd`'s output; none for a static executable.
pub fn parse_ldd(text: &str) -> Result<Vec<PathBuf>> {
    if text.contains("not a dynamic executable") || text.contains("statically linked") {
        return Ok(Vec::new());
    }
    let mut paths = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let target = match line.split_once(" => ") {
            Some((name, rest)) if rest.starts_with("not found") => {
                bail!("the shared library {name} was not found")
            }
            Some((_, rest)) => rest,
            None => line,
        };
        // `/path/lib.so (0x00007f...)`; the vDSO has no path and no file.
        let path = target.split(" (").next().unwrap_or_default();
        if path.starts_with('/') {
            paths.push(PathBuf::from(path));
        }
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldd_output_gives_library_paths() {
        let text = "\tlinux-vdso.so.1 (0x00007ffd)\n\tlibstd-d12.so => /t/lib/libstd-d12.so (0x00007f1)\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2)\n\t/lib64/ld-linux-x86-64.so.2 (0x00007f3)\n";
        assert_eq!(
            parse_ldd(text).unwrap(),
            [
                PathBuf::from("/t/lib/libstd-d12.so"),
                "/lib/x86_64-linux-gnu/libc.so.6".into(),
                "/lib64/ld-linux-x86-64.so.2".into()
            ]
        );
        assert_eq!(parse_ldd("\tnot a dynamic executable\n").unwrap(), Vec::<PathBuf>::new());
        assert_eq!(parse_ldd("\tstatically linked\n").unwrap(), Vec::<PathBuf>::new());
        let missing = parse_ldd("\tlibstd-d12.so => not found\n").unwrap_err().to_string();
        assert!(missing.contains("libstd-d12.so was not found"), "{missing}");
    }

    #[test]
    fn this_test_binary_loads_libc_from_the_system() {
        let me = std::env::current_exe().unwrap();
        let shipping = analyse(&me, Path::new("/nonexistent")).unwrap();
        assert!(
            shipping.libraries.iter().any(|l| l.to_string_lossy().contains("libc")),
            "{:?}",
            shipping.libraries
        );
        assert!(!shipping.needs_toolchain_libraries);
        let own = std::fs::metadata(&me).unwrap().len();
        assert_eq!(shipping.shipped_bytes, own);
        assert!(shipping.image_bytes > own);
    }
}
