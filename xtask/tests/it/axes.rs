//! The build axes besides the profile, on the fixture: targets, wasm-opt, rustflags, features,
//! toolchains and build-std, and the crate breakdown. The tests that need another target, a
//! nightly with rust-src or Binaryen are ignored by a plain `cargo test`; `cargo xtask test`
//! installs what they need, says so first, and runs them.

use std::collections::HashMap;
use std::process::Command;

use crate::fixture::{Fixture, stderr};

/// Runs a sweep of `text` on the fixture (with no inherited `LD_LIBRARY_PATH`, as a user's
/// shell has none) and returns the rows as maps from column to cell.
pub(crate) fn sweep(fixture: &Fixture, text: &str) -> Vec<HashMap<String, String>> {
    let before = fixture.manifest_bytes();
    let sweep = fixture.sweep_file(text);
    let output = fixture.sweep_command(&sweep).env_remove("LD_LIBRARY_PATH").output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fixture.manifest_bytes(), before, "the manifest comes back byte for byte");
    let (header, records) = crate::fixture::flat_records(&fixture.path("out"));
    records
        .iter()
        .map(|r| header.iter().map(String::from).zip(r.iter().map(String::from)).collect())
        .collect()
}

pub(crate) fn size_row<'a>(
    rows: &'a [HashMap<String, String>],
    variant: &str,
) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["variant"] == variant && r["measurement"].is_empty())
        .unwrap_or_else(|| panic!("no row for {variant}"))
}

pub(crate) fn run_row<'a>(
    rows: &'a [HashMap<String, String>],
    variant: &str,
) -> Option<&'a HashMap<String, String>> {
    rows.iter().find(|r| r["variant"] == variant && r["measurement"] == "hello")
}

fn bytes(row: &HashMap<String, String>, column: &str) -> u64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} of {} is {:?}", row["variant"], row[column]))
}

const RUN: &str = "[[run]]\nname = \"hello\"\nargs = [\"world\"]\nwarmup = 0\nruns = 2\n";

#[test]
#[ignore = "needs the musl and wasm32 targets: `cargo xtask test` installs them"]
fn musl_is_static_and_runs_and_wasm32_is_size_only() {
    let fixture = Fixture::new();
    let rows = sweep(
        &fixture,
        &format!(
            "package = \"app\"\n[matrix]\nstrip = [true]\ntarget = [\"host\", \"x86_64-unknown-linux-musl\", \"wasm32-unknown-unknown\"]\n{RUN}"
        ),
    );
    let host = size_row(&rows, "o3-nolto-cgu16-unwind-sym");
    let musl = size_row(&rows, "o3-nolto-cgu16-unwind-sym-x86_64-linux-musl");
    assert_eq!(musl["target"], "x86_64-unknown-linux-musl");
    assert_eq!(
        bytes(musl, "image_bytes"),
        bytes(musl, "size_bytes"),
        "a static binary is its whole image (FROM scratch)"
    );
    assert!(
        bytes(host, "image_bytes") > bytes(host, "size_bytes") + 1_000_000,
        "a glibc binary's image holds libc and the loader"
    );
    assert_eq!(
        run_row(&rows, &musl["variant"]).unwrap()["status"],
        "ok",
        "the static binary runs here"
    );

    let wasm = size_row(&rows, "o3-nolto-cgu16-unwind-sym-wasm32");
    assert_eq!(
        (wasm["status"].as_str(), wasm["target"].as_str()),
        ("ok", "wasm32-unknown-unknown")
    );
    assert!(bytes(wasm, "size_bytes") > 1000);
    assert!(wasm["note"].contains("cannot run: size only"), "{}", wasm["note"]);
    assert!(run_row(&rows, &wasm["variant"]).is_none(), "no runtime row for wasm32");
    let kept =
        fixture.path("target/profile-sweep/sweep/bin/o3-nolto-cgu16-unwind-sym-wasm32/app.wasm");
    assert_eq!(&std::fs::read(kept).unwrap()[..4], b"\0asm");
}

#[test]
#[ignore = "needs the wasm32 target and Binaryen's wasm-opt: `cargo xtask test` installs them"]
fn wasm_opt_is_its_own_variant_when_installed() {
    let fixture = Fixture::new();
    let rows = sweep(
        &fixture,
        "package = \"app\"\n[matrix]\ntarget = [\"wasm32-unknown-unknown\"]\nstrip = [true]\nwasm-opt = [false, \"-Oz\"]\n",
    );
    let plain = size_row(&rows, "o3-nolto-cgu16-unwind-sym-wasm32");
    let optimised = size_row(&rows, "o3-nolto-cgu16-unwind-sym-wasm32-wasmopt-oz");
    assert_eq!(optimised["post_build"], "wasm-opt -Oz");
    let installed =
        Command::new("wasm-opt").arg("--version").output().is_ok_and(|o| o.status.success());
    if installed {
        assert_eq!(optimised["status"], "ok", "{}", optimised["note"]);
        assert!(bytes(optimised, "size_bytes") < bytes(plain, "size_bytes"));
    } else {
        assert_eq!(optimised["status"], "skipped");
        assert!(optimised["note"].contains("apt-get install binaryen"), "{}", optimised["note"]);
    }
    // The stripped module's code per crate and function comes from its name section, read from
    // a relink with strip = none; wasm-opt's rewrite of it gets none.
    let functions = std::fs::read_to_string(fixture.path("out/functions.csv")).unwrap();
    let plain_functions: Vec<&str> =
        functions.lines().filter(|l| l.contains(",o3-nolto-cgu16-unwind-sym-wasm32,")).collect();
    assert_eq!(plain_functions.len(), 20, "{functions}");
    assert!(
        plain_functions.iter().any(|l| l.contains(",core,core::")),
        "the wasm module's functions are named: {functions}"
    );
    assert!(!functions.contains("wasmopt"), "{functions}");
    let crates = std::fs::read_to_string(fixture.path("out/crates.csv")).unwrap();
    assert!(crates.contains(",o3-nolto-cgu16-unwind-sym-wasm32,core,"), "{crates}");
}

#[test]
fn prefer_dynamic_runs_with_the_library_path_and_fails_cleanly_with_lto() {
    let fixture = Fixture::new();
    let rows = sweep(
        &fixture,
        &format!(
            "package = \"app\"\n[matrix]\nlto = [false, \"fat\"]\nrustflags = [\"-C prefer-dynamic\"]\n{RUN}"
        ),
    );
    let dynamic = size_row(&rows, "o3-thinlocal-cgu16-unwind-dbg-rf-prefer-dynamic");
    assert_eq!(dynamic["rustflags"], "-C prefer-dynamic");
    assert!(bytes(dynamic, "size_bytes") < 100_000, "the binary alone is small");
    assert!(
        bytes(dynamic, "shipped_bytes") > bytes(dynamic, "size_bytes") + 1_000_000,
        "libstd-*.so must ship with it"
    );
    assert!(dynamic["note"].contains("LD_LIBRARY_PATH="), "{}", dynamic["note"]);
    assert_eq!(
        run_row(&rows, &dynamic["variant"]).unwrap()["status"],
        "ok",
        "it runs, with the toolchain's library path"
    );

    let with_lto = size_row(&rows, "o3-fat-cgu16-unwind-dbg-rf-prefer-dynamic");
    assert_eq!(with_lto["status"], "build-failed");
    assert!(
        with_lto["note"].contains("cannot prefer dynamic linking when performing LTO"),
        "{}",
        with_lto["note"]
    );
}

#[test]
fn features_are_an_axis() {
    let fixture = Fixture::new();
    let rows = sweep(
        &fixture,
        &format!("package = \"app\"\n[matrix]\nfeatures = [\"\", \"shout\"]\n{RUN}"),
    );
    let (plain, shout) = (
        size_row(&rows, "o3-nolto-cgu16-unwind-dbg"),
        size_row(&rows, "o3-nolto-cgu16-unwind-dbg-f-shout"),
    );
    assert_eq!((plain["features"].as_str(), shout["features"].as_str()), ("", "shout"));
    assert_ne!(plain["sha256"], shout["sha256"]);
    let greet = |variant: &str| {
        let output =
            Command::new(fixture.path(&format!("target/profile-sweep/sweep/bin/{variant}/app")))
                .arg("x")
                .output()
                .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    assert_eq!(
        (
            greet("o3-nolto-cgu16-unwind-dbg").as_str(),
            greet("o3-nolto-cgu16-unwind-dbg-f-shout").as_str()
        ),
        ("hello x\n", "HELLO x\n")
    );
}

#[test]
fn a_missing_toolchain_is_skipped_with_the_command_that_installs_it() {
    let fixture = Fixture::new();
    let rows = sweep(
        &fixture,
        "package = \"app\"\n[matrix]\ntoolchain = [\"default\", \"nightly-2001-01-01\"]\n",
    );
    assert_eq!(size_row(&rows, "o3-nolto-cgu16-unwind-dbg")["status"], "ok");
    let missing = size_row(&rows, "o3-nolto-cgu16-unwind-dbg-nightly-2001-01-01");
    assert_eq!(
        (missing["status"].as_str(), missing["toolchain"].as_str()),
        ("skipped", "nightly-2001-01-01")
    );
    assert!(
        missing["note"].contains("rustup toolchain install nightly-2001-01-01"),
        "{}",
        missing["note"]
    );
}

#[test]
#[ignore = "needs a nightly toolchain with rust-src: `cargo xtask test` installs it"]
fn nightly_build_std_builds_a_smaller_binary() {
    let fixture = Fixture::new();
    let rows = sweep(
        &fixture,
        "package = \"app\"\n[profile]\nopt-level = \"z\"\npanic = \"abort\"\nstrip = true\n[[ladder]]\nstep = \"stable\"\n[[ladder]]\nstep = \"build-std\"\ntoolchain = \"nightly\"\nbuild-std = true\n",
    );
    let stable = size_row(&rows, "oz-nolto-cgu16-abort-sym");
    let std_from_source = size_row(&rows, "oz-nolto-cgu16-abort-sym-nightly-bstd");
    assert_eq!(std_from_source["status"], "ok", "{}", std_from_source["note"]);
    assert!(std_from_source["rustc"].contains("nightly"), "{}", std_from_source["rustc"]);
    assert_eq!(std_from_source["build_std"], "true");
    assert!(bytes(std_from_source, "size_bytes") < bytes(stable, "size_bytes"));
    let report = std::fs::read_to_string(fixture.path("out/report.md")).unwrap();
    assert!(
        report.contains("cargo +nightly; -Z build-std=std,panic_abort"),
        "the snippet says how to reproduce it"
    );
}

#[test]
fn crate_breakdown_comes_from_symbols_even_for_stripped_variants() {
    let fixture = Fixture::new();
    sweep(
        &fixture,
        "package = \"app\"\n[[ladder]]\nstep = \"default\"\n[[ladder]]\nstep = \"+ strip\"\nstrip = true\n[[ladder]]\nstep = \"+ opt-level z\"\nopt-level = \"z\"\n",
    );
    let mut reader = csv::Reader::from_path(fixture.path("out/crates.csv")).unwrap();
    let crates: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let from = |variant: &str, krate: &str| {
        crates
            .iter()
            .find(|r| &r[1] == variant && &r[2] == krate)
            .map(|r| (r[3].parse::<u64>().unwrap(), r[5].to_owned()))
    };
    let (std_default, source) =
        from("o3-nolto-cgu16-unwind-dbg", "std").expect("std in the default build");
    assert_eq!(source, "o3-nolto-cgu16-unwind-dbg", "the unstripped build reads its own symbols");
    assert_eq!(
        from("o3-nolto-cgu16-unwind-sym", "std"),
        Some((std_default, "o3-nolto-cgu16-unwind-dbg".to_owned())),
        "same code as its strip sibling"
    );
    let (_, relinked) =
        from("oz-nolto-cgu16-unwind-sym", "app").expect("the stripped z build has a breakdown");
    assert_eq!(relinked, "oz-nolto-cgu16-unwind-sym relinked with strip = none");
    // The largest functions, generic copies merged, for every variant; the report explains
    // each step by what changed.
    let mut reader = csv::Reader::from_path(fixture.path("out/functions.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["sweep", "variant", "crate", "function", "copies", "text_bytes", "symbols_from"]
    );
    let functions: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for variant in
        ["o3-nolto-cgu16-unwind-dbg", "o3-nolto-cgu16-unwind-sym", "oz-nolto-cgu16-unwind-sym"]
    {
        let listed = functions.iter().filter(|r| &r[1] == variant).count();
        assert_eq!(listed, 20, "the 20 largest functions of {variant}");
    }
    assert!(
        functions.iter().any(|r| !r[3].contains('<') || r[3].starts_with('<')),
        "generic arguments are merged away"
    );
    let report = std::fs::read_to_string(fixture.path("out/report.md")).unwrap();
    assert!(report.contains("## Where the bytes go"), "{report}");
    assert!(report.contains("## What each step changed"), "{report}");
    assert!(report.contains("- **+ opt-level z**: crates: "), "{report}");
}

/// The target features rustc enables for `cpu` on the host.
fn cpu_features(cpu: &str) -> Vec<String> {
    let output = Command::new("rustc")
        .args(["--print", "cfg", "-C", &format!("target-cpu={cpu}")])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    text.lines().filter(|l| l.starts_with("target_feature=")).map(String::from).collect()
}

#[test]
fn target_cpu_levels_are_built_and_run_where_this_cpu_can_and_native_is_flagged() {
    let fixture = Fixture::new();
    let rows = sweep(
        &fixture,
        &format!(
            "package = \"app\"\n[matrix]\nstrip = [true]\ntarget-cpu = [\"default\", \"x86-64-v2\", \"x86-64-v3\", \"znver4\", \"native\"]\n{RUN}"
        ),
    );
    let native = cpu_features("native");
    for (cpu, fragment) in [
        ("x86-64-v2", "x86-64-v2"),
        ("x86-64-v3", "x86-64-v3"),
        ("znver4", "znver4"),
        ("native", "native"),
    ] {
        let id = format!("o3-nolto-cgu16-unwind-sym-cpu-{fragment}");
        let row = size_row(&rows, &id);
        assert_eq!(
            (row["status"].as_str(), row["target_cpu"].as_str()),
            ("ok", cpu),
            "{}",
            row["note"]
        );
        let lacks = cpu != "native" && cpu_features(cpu).iter().any(|f| !native.contains(f));
        match lacks {
            true => {
                assert!(run_row(&rows, &id).is_none(), "{cpu}: not run on a CPU that lacks it");
                assert!(
                    row["note"].contains("that this machine's lacks: size only"),
                    "{}",
                    row["note"]
                );
            }
            false => assert_eq!(run_row(&rows, &id).unwrap()["status"], "ok", "{cpu} runs here"),
        }
    }
    let report = std::fs::read_to_string(fixture.path("out/report.md")).unwrap();
    assert!(report.contains("-C target-cpu=native (code for the CPU it was built on"), "{report}");
    let sweep_file =
        fixture.sweep_file("package = \"app\"\n[matrix]\ntarget-cpu = [\"x86-64-v9\"]\n");
    let output = fixture.sweep_command(&sweep_file).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("rustc cannot generate code for target-cpu `x86-64-v9`"), "{err}");
    assert!(!err.contains("building"), "nothing was built: {err}");
}

#[test]
#[ignore = "needs the x86_64-pc-windows-gnu target and mingw-w64: `cargo xtask test` installs them"]
fn a_windows_build_is_sized_by_its_pe_sections_and_runs_under_wine_where_it_can() {
    let fixture = Fixture::new();
    let rows = sweep(
        &fixture,
        &format!(
            "package = \"app\"\n[build]\ntarget = \"x86_64-pc-windows-gnu\"\n[matrix]\nstrip = [\"none\", \"debuginfo\", true]\nlto = [\"off\", \"fat\"]\n{RUN}"
        ),
    );
    let id =
        |lto: &str, strip: &str| format!("o3-{lto}-cgu16-unwind-{strip}-x86_64-pc-windows-gnu");
    let with_debug = size_row(&rows, &id("nolto", "nostrip"));
    assert!(bytes(with_debug, "debug_bytes") > 10_000, "std's DWARF sections: {with_debug:?}");
    let (plain, stripped) =
        (size_row(&rows, &id("nolto", "dbg")), size_row(&rows, &id("nolto", "sym")));
    assert_eq!(bytes(plain, "debug_bytes"), 0);
    assert!(
        bytes(plain, "text_bytes") > 10_000 && bytes(plain, "rodata_bytes") > 1_000,
        "{plain:?}"
    );
    assert!(bytes(plain, "eh_frame_bytes") > 0, ".pdata and .xdata: {plain:?}");
    let symbols = bytes(plain, "symbol_bytes");
    assert!(symbols > 10_000, "mingw's COFF symbol tables: {plain:?}");
    assert_eq!(bytes(stripped, "symbol_bytes"), 0);
    assert_eq!(
        bytes(plain, "size_bytes") - bytes(stripped, "size_bytes"),
        symbols,
        "strip removes exactly the COFF symbol and string tables"
    );
    let kept =
        fixture.path(&format!("target/profile-sweep/sweep/bin/{}/app.exe", id("nolto", "sym")));
    assert_eq!(&std::fs::read(kept).unwrap()[..2], b"MZ");
    let wine = ["wine", "wine64"]
        .iter()
        .any(|w| Command::new(w).arg("--version").output().is_ok_and(|o| o.status.success()));
    let fat = run_row(&rows, &id("fat", "sym"));
    if wine {
        // Wine runs what imports nothing it lacks (an LTO build of a program that never asks
        // std for random numbers), and says which DLL stops the others.
        let fat = fat.expect("a run row under Wine");
        assert_eq!(fat["status"], "ok", "{fat:?}");
        assert!(size_row(&rows, &id("fat", "sym"))["note"].contains("runs under Wine"));
        let plain_run = run_row(&rows, &id("nolto", "sym")).unwrap();
        assert!(
            plain_run["status"] == "ok"
                || plain_run["note"].contains("which this Wine does not have"),
            "{plain_run:?}"
        );
    } else {
        assert!(fat.is_none(), "no Wine: size only");
        assert!(stripped["note"].contains("install Wine"), "{}", stripped["note"]);
    }
}
