//! Per-package overrides as axes on the fixture: `deps-*`, `hot-*` (with `hot-packages`) and
//! `build-override-*` are written into each variant's profile, recorded in their columns, named
//! in the ids, pasted back by `apply`, and refused with a fix when they cannot apply.

use crate::axes::{size_row, sweep};
use crate::bad_input::refused;
use crate::fixture::Fixture;
use crate::inner_loop::apply_dry_run;

const LADDER: &str = r#"package = "app"
rebuild = false
hot-packages = ["app"]

[profile]
opt-level = "z"
strip = true

[[ladder]]
step = "z everywhere"

[[ladder]]
step = "+ the hot crate at opt-level 3"
hot-opt-level = 3

[[ladder]]
step = "+ every other override"
deps-codegen-units = 1
deps-debug = "line-tables-only"
hot-codegen-units = 4
build-override-opt-level = 0
build-override-codegen-units = 256
build-override-debug = false
"#;

#[test]
fn package_overrides_reach_the_named_crate_and_apply_pastes_them() {
    let fixture = Fixture::new();
    let rows = sweep(&fixture, LADDER);
    let z = size_row(&rows, "oz-nolto-cgu16-unwind-sym");
    let hot = size_row(&rows, "oz-nolto-cgu16-unwind-sym-hot-o3");
    let all = "oz-nolto-cgu16-unwind-sym-deps-cgu1-deps-debug-lines-hot-o3-hot-cgu4-bo-o0-bo-cgu256-bo-debug-none";
    let every = size_row(&rows, all);
    assert_eq!(hot["hot_opt_level"], "3");
    assert_eq!(hot["hot_packages"], "app");
    assert_eq!(z["hot_packages"], "", "no hot-* axis set: no packages recorded");
    for (column, value) in [
        ("deps_codegen_units", "1"),
        ("deps_debug", "line-tables-only"),
        ("hot_codegen_units", "4"),
        ("build_override_opt_level", "0"),
        ("build_override_codegen_units", "256"),
        ("build_override_debug", "none"),
    ] {
        assert_eq!(every[column], value, "{column}");
        assert_eq!(hot[column], "", "{column} is unset before its step");
    }
    // `app` is the whole program (std comes prebuilt): its own opt-level moves its code, so
    // the override reached it.
    assert_ne!(z["text_bytes"], hot["text_bytes"], "opt-level 3 for `app` changed its code");
    // Cargo 1.95 compiles a package named in an override with strip = "debuginfo" unless its
    // table says otherwise: the profile's strip is repeated there, so the symbols stay out.
    for row in [z, hot, every] {
        assert_eq!(row["symbol_bytes"], "0", "{} keeps no symbol table", row["variant"]);
    }
    let pasted = apply_dry_run(&fixture, all);
    for line in [
        "+opt-level = \"z\"",
        "+package.\"*\".codegen-units = 1",
        "+package.\"*\".debug = \"line-tables-only\"",
        "+package.app.opt-level = 3",
        "+package.app.codegen-units = 4",
        "+package.app.strip = \"symbols\"",
        "+build-override.opt-level = 0",
        "+build-override.codegen-units = 256",
        "+build-override.debug = \"none\"",
    ] {
        assert!(pasted.contains(line), "{line} in:\n{pasted}");
    }
}

#[test]
fn hot_overrides_without_their_packages_or_with_unknown_ones_are_refused() {
    let fixture = Fixture::new();
    let err = refused(&fixture, "package = \"app\"\n[matrix]\nhot-opt-level = [3]\n");
    assert!(err.contains("sweep.toml: `hot-opt-level` is set, but no hot-packages"), "{err}");
    assert!(err.contains("fix: add hot-packages = [\"name\", ...]"), "{err}");
    let err = refused(
        &fixture,
        "package = \"app\"\nhot-packages = [\"app\"]\n[matrix]\nopt-level = [3]\n",
    );
    assert!(
        err.contains("sweep.toml:2:16: hot-packages is given, but no hot-* axis sets them"),
        "{err}"
    );
    let err = refused(
        &fixture,
        "package = \"app\"\nhot-packages = [\"app\", \"serde_jsn\"]\n[matrix]\nhot-opt-level = [3]\n",
    );
    assert!(
        err.contains("sweep.toml:2:24: hot-packages names `serde_jsn`, which is no package of this workspace's Cargo.lock"),
        "{err}"
    );
    let err = refused(&fixture, "package = \"app\"\n[matrix]\ndeps-codegen-units = [0]\n");
    assert!(err.contains("a positive integer such as 1, 16 or 256"), "{err}");
}

#[test]
#[ignore = "needs Valgrind: `cargo xtask test` installs it"]
fn mixed_variants_are_proposed_from_the_pick_and_its_hot_crates() {
    let fixture = Fixture::new();
    let rows = sweep(
        &fixture,
        concat!(
            "package = \"app\"\nrebuild = false\nmixed = true\nmeasure-order = \"interleaved\"\n",
            "[matrix]\nopt-level = [3, \"z\"]\n",
            "[[run]]\nname = \"spin\"\nargs = [\"spin\", \"20000\"]\nwarmup = 0\nruns = 2\nhot-crates = true\n",
            "instructions = true\n",
        ),
    );
    // `app` spins in its own code: it holds 90% of the instructions, so it is the hot package.
    let size_first = size_row(&rows, "oz-nolto-cgu16-unwind-dbg-hot-o3");
    let speed_first = size_row(&rows, "o3-nolto-cgu16-unwind-dbg-deps-oz-hot-o3");
    for mixed in [size_first, speed_first] {
        assert_eq!((mixed["status"].as_str(), mixed["hot_packages"].as_str()), ("ok", "app"));
        assert_eq!(mixed["hot_opt_level"], "3");
    }
    assert_eq!(size_first["opt_level"], "z");
    assert_eq!(
        (speed_first["opt_level"].as_str(), speed_first["deps_opt_level"].as_str()),
        ("3", "z")
    );
    // Timed after the matrix, in rounds with the baseline again: paired like the matrix.
    for variant in ["oz-nolto-cgu16-unwind-dbg-hot-o3", "o3-nolto-cgu16-unwind-dbg-deps-oz-hot-o3"]
    {
        let timed = rows.iter().find(|r| r["variant"] == variant && r["measurement"] == "spin");
        let ratio = timed.map(|r| r["wall_ratio"].as_str()).unwrap_or_default();
        assert!(ratio.parse::<f64>().is_ok_and(|r| r > 0.0), "{variant} is paired: {ratio:?}");
    }
    let counted = |variant: &str| {
        rows.iter()
            .find(|r| r["variant"] == variant && r["measurement"] == "instructions:spin")
            .map(|r| r["mean_ns"].parse::<f64>().unwrap())
            .unwrap()
    };
    // The hot crate at opt-level 3 runs like uniform 3, not like uniform "z".
    let (o3, oz) = (counted("o3-nolto-cgu16-unwind-dbg"), counted("oz-nolto-cgu16-unwind-dbg"));
    let mixed = counted("oz-nolto-cgu16-unwind-dbg-hot-o3");
    assert!((mixed - o3).abs() < (oz - o3).abs() / 10.0, "{o3} {mixed} {oz}");
}

#[test]
fn mixed_needs_a_matrix_and_hot_crates() {
    let fixture = Fixture::new();
    let run = "[[run]]\nname = \"spin\"\nargs = [\"spin\", \"2\"]\n";
    let err = refused(
        &fixture,
        &format!("package = \"app\"\nmixed = true\n[matrix]\nopt-level = [3]\n{run}"),
    );
    assert!(
        err.contains(
            "sweep.toml:2:9: mixed = true needs to know where the run spends its instructions"
        ),
        "{err}"
    );
    assert!(err.contains("fix: add hot-crates = true to a [[run]]"), "{err}");
    let err = refused(
        &fixture,
        &format!(
            "package = \"app\"\nmixed = true\n[[ladder]]\nstep = \"a\"\n{run}hot-crates = true\n"
        ),
    );
    assert!(err.contains("sweep.toml:2:9: mixed = true needs a [matrix]"), "{err}");
}
