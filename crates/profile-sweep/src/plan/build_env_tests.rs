//! Tests of the build axes: parsing, ids, flags, profile keys and config lines.

use super::*;
use crate::plan::build_env::{OverrideKey::*, OverrideScope::*, OverrideValue};
use crate::plan::settings::{OptLevel as Level, Setting};

fn parse(axis: EnvAxis, raw: RawValue) -> Option<EnvSetting> {
    axis.parse(&raw)
}

fn fragment(axis: EnvAxis, text: &str) -> Option<String> {
    parse(axis, RawValue::Str(text.into())).unwrap().id_fragment()
}

#[test]
fn plain_values_add_nothing_to_ids() {
    assert_eq!(fragment(EnvAxis::Toolchain, "default"), None);
    assert_eq!(fragment(EnvAxis::Target, "host"), None);
    assert_eq!(fragment(EnvAxis::Features, ""), None);
    assert_eq!(fragment(EnvAxis::Rustflags, "  "), None);
    assert_eq!(parse(EnvAxis::WasmOpt, RawValue::Bool(false)).unwrap().id_fragment(), None);
    assert_eq!(BuildEnv::default().id_suffix(), "");
}

#[test]
fn fragments_are_short_and_valid_in_profile_names() {
    assert_eq!(
        fragment(EnvAxis::Target, "x86_64-unknown-linux-musl").as_deref(),
        Some("x86_64-linux-musl")
    );
    assert_eq!(fragment(EnvAxis::Target, "wasm32-unknown-unknown").as_deref(), Some("wasm32"));
    assert_eq!(
        fragment(EnvAxis::Rustflags, "-C target-cpu=native").as_deref(),
        Some("rf-target-cpu-native")
    );
    assert_eq!(
        fragment(EnvAxis::Rustflags, "-Cprefer-dynamic").as_deref(),
        Some("rf-prefer-dynamic")
    );
    assert_eq!(fragment(EnvAxis::Features, "b, a").as_deref(), Some("f-a-b"));
    assert_eq!(fragment(EnvAxis::Toolchain, "1.80.0").as_deref(), Some("1-80-0"));
    assert_eq!(fragment(EnvAxis::WasmOpt, "-Oz").as_deref(), Some("wasmopt-oz"));
    let env = BuildEnv {
        toolchain: Some("nightly".into()),
        build_std: true,
        target: Some("x86_64-unknown-linux-gnu".into()),
        ..BuildEnv::default()
    };
    assert_eq!(env.id_suffix(), "-nightly-bstd-x86_64-linux-gnu");
    let guided = BuildEnv { pgo: true, bolt: true, ..BuildEnv::default() };
    assert_eq!(guided.id_suffix(), "-pgo-bolt");
    assert!(guided.trained() && !BuildEnv::default().trained());
    assert_eq!(EnvSetting::Pgo(true).to_string(), "true");
    assert_eq!(EnvSetting::Bolt(false).to_string(), "");
}

#[test]
fn a_linker_is_an_id_fragment_and_its_flags() {
    assert_eq!(fragment(EnvAxis::Linker, "default"), None);
    assert_eq!(fragment(EnvAxis::Linker, "mold").as_deref(), Some("ld-mold"));
    assert_eq!(parse(EnvAxis::Linker, RawValue::Str("ld".into())), None);
    let env = BuildEnv {
        rustflags: Some("-C target-cpu=native".into()),
        linker: Some(Linker::Bfd),
        ..BuildEnv::default()
    };
    assert_eq!(
        env.rustflag_args(),
        ["-C", "target-cpu=native", "-C", "linker-features=-lld", "-C", "link-arg=-fuse-ld=bfd"]
    );
    assert_eq!(env.id_suffix(), "-rf-target-cpu-native-ld-bfd");
    assert_eq!(EnvSetting::Linker(Some(Linker::Gold)).to_string(), "gold");
    let mold = BuildEnv { linker: Some(Linker::Mold), ..BuildEnv::default() };
    assert_eq!(
        mold.config_lines("dev").unwrap(),
        "[build]\nrustflags = [\"-C\", \"linker-features=-lld\", \"-C\", \"link-arg=-fuse-ld=mold\"]\n"
    );
}

#[test]
fn the_inner_loops_axes_parse_every_cargo_spelling_into_one_value() {
    let debug = |raw: RawValue| parse(EnvAxis::Debug, raw).unwrap();
    assert_eq!(debug(RawValue::Bool(false)), debug(RawValue::Str("none".into())));
    assert_eq!(debug(RawValue::Int(0)), EnvSetting::Debug(Some(DebugInfo::None)));
    assert_eq!(debug(RawValue::Int(1)), debug(RawValue::Str("limited".into())));
    assert_eq!(debug(RawValue::Bool(true)), debug(RawValue::Str("full".into())));
    assert_eq!(parse(EnvAxis::Debug, RawValue::Int(3)), None);
    assert_eq!(fragment(EnvAxis::Debug, "line-tables-only").as_deref(), Some("debug-lines"));
    assert_eq!(fragment(EnvAxis::SplitDebuginfo, "unpacked").as_deref(), Some("split-unpacked"));
    assert_eq!(parse(EnvAxis::SplitDebuginfo, RawValue::Str("split".into())), None);
    assert_eq!(fragment(EnvAxis::CodegenBackend, "llvm"), None);
    assert_eq!(fragment(EnvAxis::CodegenBackend, "cranelift").as_deref(), Some("cranelift"));
    assert_eq!(parse(EnvAxis::Threads, RawValue::Int(0)), None);
    assert_eq!(parse(EnvAxis::Threads, RawValue::Int(65)), None);
    let all = BuildEnv {
        toolchain: Some("nightly".into()),
        debug: Some(DebugInfo::LineTablesOnly),
        split_debuginfo: Some(SplitDebuginfo::Packed),
        incremental: Some(false),
        overrides: [
            ((Deps, OptLevel), OverrideValue::Setting(Setting::OptLevel(Level::Level(1)))),
            (
                (Hot, CodegenUnits),
                OverrideValue::Setting(Setting::CodegenUnits(4.try_into().unwrap())),
            ),
            ((BuildOverride, Debug), OverrideValue::Debug(DebugInfo::LineTablesOnly)),
        ]
        .into(),
        hot_packages: vec!["app".into()],
        cranelift: true,
        threads: NonZeroU32::new(8),
        share_generics: Some(false),
        ..BuildEnv::default()
    };
    assert_eq!(
        all.id_suffix(),
        "-nightly-debug-lines-split-packed-noincr-deps-o1-hot-cgu4-bo-debug-lines-cranelift-threads8-nosharegen"
    );
    assert_eq!(all.inapplicable(), None);
    let on_stable = BuildEnv { toolchain: None, ..all.clone() };
    assert!(on_stable.inapplicable().unwrap().contains("nightly toolchain"));
    for axis in EnvAxis::ALL {
        let value = all.get(axis);
        let mut copy = BuildEnv::default();
        copy.set(value.clone());
        assert_eq!(copy.get(axis), value, "{axis:?} round-trips through set and get");
        let cell = value.to_string();
        if !cell.is_empty() && axis != EnvAxis::CodegenBackend {
            let reparsed = match cell.parse::<i64>() {
                Ok(n) => axis.parse(&RawValue::Int(n)),
                Err(_) if cell == "false" => axis.parse(&RawValue::Bool(false)),
                Err(_) => axis.parse(&RawValue::Str(cell.clone())),
            };
            assert_eq!(reparsed, Some(value), "{axis:?}'s column {cell:?} parses back");
        }
    }
}

#[test]
fn the_inner_loops_axes_become_profile_keys_flags_and_config_lines() {
    let env = BuildEnv {
        toolchain: Some("nightly".into()),
        linker: Some(Linker::Mold),
        debug: Some(DebugInfo::None),
        incremental: Some(true),
        overrides: [
            ((Deps, OptLevel), OverrideValue::Setting(Setting::OptLevel(Level::MinSize))),
            ((Hot, OptLevel), OverrideValue::Setting(Setting::OptLevel(Level::Level(3)))),
        ]
        .into(),
        hot_packages: vec!["a".into(), "b-c".into()],
        cranelift: true,
        threads: NonZeroU32::new(4),
        ..BuildEnv::default()
    };
    let keys = env.profile_keys(Strip::Symbols);
    let keys: Vec<String> = keys.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    assert_eq!(
        keys,
        [
            "debug = \"none\"",
            "incremental = true",
            "package.\"*\".opt-level = \"z\"",
            "package.a.opt-level = 3",
            "package.b-c.opt-level = 3",
            "package.a.strip = \"symbols\"",
            "package.b-c.strip = \"symbols\""
        ]
    );
    assert_eq!(env.rustflag_args()[4..], ["-Z", "codegen-backend=cranelift", "-Z", "threads=4"]);
    let lines = env.config_lines("dev").unwrap();
    assert!(lines.starts_with("[build]\nrustflags = [\"-C\", \"linker-features=-lld\", \"-C\", \"link-arg=-fuse-ld=mold\", \"-Z\", \"threads=4\"]\n"), "{lines}");
    assert!(
        lines.ends_with(
            "[unstable]\ncodegen-backend = true\n\n[profile.dev]\ncodegen-backend = \"cranelift\"\n"
        ),
        "{lines}"
    );
    assert_eq!(
        BuildEnv { debug: Some(DebugInfo::Full), ..BuildEnv::default() }.config_lines("dev"),
        None
    );
}

#[test]
fn a_target_cpu_is_an_id_fragment_a_flag_and_a_config_line() {
    assert_eq!(fragment(EnvAxis::TargetCpu, "default"), None);
    assert_eq!(fragment(EnvAxis::TargetCpu, "x86-64-v3").as_deref(), Some("cpu-x86-64-v3"));
    assert_eq!(parse(EnvAxis::TargetCpu, RawValue::Str("v3; rm".into())), None);
    let env = BuildEnv {
        target_cpu: Some("native".into()),
        linker: Some(Linker::Mold),
        ..BuildEnv::default()
    };
    assert_eq!(env.rustflag_args()[..2], ["-C", "target-cpu=native"]);
    assert_eq!(env.id_suffix(), "-cpu-native-ld-mold");
    assert!(env.config_lines("release").unwrap().starts_with(
        "[build]\nrustflags = [\"-C\", \"target-cpu=native\", \"-C\", \"linker-features=-lld\""
    ));
}

#[test]
fn values_are_canonical() {
    assert_eq!(
        parse(EnvAxis::Features, RawValue::Str("b,a,b".into())),
        parse(EnvAxis::Features, RawValue::Str("a b".into()))
    );
    assert_eq!(
        parse(EnvAxis::Rustflags, RawValue::Str(" -C  lto ".into())),
        Some(EnvSetting::Rustflags(Some("-C lto".into())))
    );
}

#[test]
fn impossible_values_are_rejected() {
    assert_eq!(parse(EnvAxis::Target, RawValue::Str("musl".into())), None);
    assert_eq!(parse(EnvAxis::Toolchain, RawValue::Str("night ly".into())), None);
    assert_eq!(parse(EnvAxis::Toolchain, RawValue::Bool(true)), None);
    assert_eq!(parse(EnvAxis::BuildStd, RawValue::Str("yes".into())), None);
    assert_eq!(parse(EnvAxis::WasmOpt, RawValue::Bool(true)), None);
    assert_eq!(parse(EnvAxis::WasmOpt, RawValue::Str("-O9".into())), None);
    assert_eq!(parse(EnvAxis::Features, RawValue::Str("a;b".into())), None);
    assert_eq!(parse(EnvAxis::Pgo, RawValue::Str("yes".into())), None);
    assert_eq!(parse(EnvAxis::Bolt, RawValue::Str("true".into())), None);
}

#[test]
fn inapplicable_combinations_say_why() {
    let wasm_opt_on_host = BuildEnv { wasm_opt: Some("-Oz".into()), ..BuildEnv::default() };
    assert_eq!(wasm_opt_on_host.inapplicable(), Some("wasm-opt applies only to a wasm target"));
    let on_wasm = BuildEnv { target: Some("wasm32-unknown-unknown".into()), ..wasm_opt_on_host };
    assert_eq!(on_wasm.inapplicable(), None);
    assert_eq!(on_wasm.before_post_build().wasm_opt, None);
    let std_on_stable = BuildEnv { build_std: true, ..BuildEnv::default() };
    assert_eq!(std_on_stable.inapplicable(), Some("build-std needs a nightly toolchain"));
    let bolt_on_wasm = BuildEnv {
        bolt: true,
        target: Some("wasm32-unknown-unknown".into()),
        ..BuildEnv::default()
    };
    assert_eq!(bolt_on_wasm.inapplicable(), Some("BOLT rewrites Linux ELF executables only"));
    assert_eq!(
        BuildEnv { toolchain: Some("nightly-2026-05-19".into()), ..std_on_stable }.inapplicable(),
        None
    );
}
