//! Tests of the sweep-file parser and its checks, with helpers other modules' tests use.

use super::*;

/// Parses a sweep file's text as `sweeps/t.toml`.
pub fn parse(text: &str) -> Result<Sweep, InputError> {
    Sweep::parse(Path::new("sweeps/t.toml"), text.to_owned())
}

/// Where parsing `text` fails, what it says and the fix it offers.
pub fn error(text: &str) -> (Option<(usize, usize)>, String, String) {
    let err = parse(text).unwrap_err();
    (err.position, err.message, err.fix.unwrap_or_default())
}

#[test]
fn rebuild_timing_is_on_unless_turned_off() {
    let text = "package = \"p\"\n[matrix]\nlto = [true]\n";
    assert!(parse(text).unwrap().rebuild.enabled);
    assert!(!parse(&format!("rebuild = false\n{text}")).unwrap().rebuild.enabled);
    assert!(error(&format!("rebuild = 1\n{text}")).1.contains("invalid type"));
}

#[test]
fn rebuild_edits_repeats_and_tests_are_read_and_bad_ones_refused_with_a_fix() {
    let text = "package = \"p\"\n[matrix]\nlto = [true]\n";
    let plain = parse(text).unwrap().rebuild;
    assert_eq!(
        (plain.touch.len(), plain.repeats, plain.tests, plain.detailed),
        (0, 1, false, false)
    );
    let tests_only = parse(&format!("rebuild-tests = true\n{text}")).unwrap().rebuild;
    assert_eq!((tests_only.repeats, tests_only.detailed), (3, true), "asked for: intervals");
    let asked = parse(&format!(
        "rebuild-touch = [\"src/lib.rs\", \"crates/a/src/x.rs\"]\nrebuild-repeats = 5\nrebuild-tests = true\n{text}"
    ))
    .unwrap()
    .rebuild;
    let files: Vec<&str> = asked.touch.iter().map(|f| f.value.as_str()).collect();
    assert_eq!(
        (files, asked.repeats, asked.tests),
        (vec!["src/lib.rs", "crates/a/src/x.rs"], 5, true)
    );
    let (pos, msg, fix) = error(&format!("rebuild-touch = [\"../x.rs\"]\n{text}"));
    assert_eq!(
        (pos, msg.as_str()),
        (Some((1, 18)), "rebuild-touch \"../x.rs\" is not a path inside the workspace")
    );
    assert!(fix.contains("relative to the workspace root"), "{fix}");
    let (_, msg, _) = error(&format!("rebuild-touch = [\"a.rs\", \"a.rs\"]\n{text}"));
    assert_eq!(msg, "rebuild-touch names \"a.rs\" twice");
    let (_, msg, fix) = error(&format!("rebuild-repeats = 1\n{text}"));
    assert_eq!(msg, "invalid rebuild-repeats 1");
    assert!(fix.contains("3 or more"), "{fix}");
}

#[test]
fn ladder_file_is_validated_into_steps() {
    let sweep = parse("package = \"p\"\n[profile]\ndebug = false\n[[ladder]]\nstep = \"base\"\n[[ladder]]\nstep = \"+ lto\"\nlto = true\ncodegen-units = 1\n").unwrap();
    assert_eq!(sweep.name, "t");
    assert_eq!(sweep.inherits.value, "release");
    assert_eq!(sweep.pass_through, vec![("debug".to_owned(), toml::Value::Boolean(false))]);
    let Plan::Ladder(steps) = &sweep.plan else { panic!("not a ladder") };
    assert_eq!(steps[1].label, "+ lto");
    assert_eq!(steps[1].adds.iter().map(ToString::to_string).collect::<Vec<_>>(), ["fat", "1"]);
}

#[test]
fn unknown_key_names_line_and_column() {
    let (pos, msg, _) = error("package = \"p\"\n[matrix]\nopt-levl = [1]\n");
    assert_eq!(pos, Some((3, 1)));
    assert!(msg.contains("unknown field `opt-levl`"), "{msg}");
}

#[test]
fn wrong_type_names_line_and_column() {
    let (pos, msg, _) = error("package = 7\n[matrix]\nlto = [true]\n");
    assert_eq!(pos, Some((1, 11)));
    assert!(msg.contains("invalid type: integer `7`, expected a string"), "{msg}");
    let (pos, msg, _) = error("package = \"p\"\n[matrix]\nlto = [1.5]\n");
    assert_eq!(pos, Some((3, 8)));
    assert!(msg.contains("expected a boolean, an integer or a string"), "{msg}");
}

#[test]
fn impossible_values_point_at_the_value_and_say_what_is_accepted() {
    let (pos, msg, fix) = error("package = \"p\"\n[matrix]\nopt-level = [3, 4]\n");
    assert_eq!((pos, msg.as_str()), (Some((3, 17)), "invalid opt-level 4"));
    assert_eq!(fix, r#"opt-level takes 0, 1, 2, 3, "s" or "z""#);
    let (pos, msg, _) = error("package = \"p\"\n[[ladder]]\nstep = \"x\"\nlto = \"bogus\"\n");
    assert_eq!((pos, msg.as_str()), (Some((4, 7)), "invalid lto \"bogus\""));
    let (pos, msg, _) =
        error("package = \"p\"\n[profile]\ncodegen-units = 0\n[[ladder]]\nstep = \"x\"\n");
    assert_eq!((pos, msg.as_str()), (Some((3, 17)), "invalid codegen-units 0"));
    let (pos, msg, _) =
        error("package = \"p\"\n[profile]\ndebug = \"lots\"\n[[ladder]]\nstep = \"x\"\n");
    assert_eq!((pos, msg.as_str()), (Some((3, 9)), "invalid debug \"lots\""));
    let (_, msg, fix) = error("package = \"p\"\n[profile]\nopt = 1\n[[ladder]]\nstep = \"x\"\n");
    assert_eq!(msg, "unknown profile key `opt`");
    assert!(fix.contains("opt-level"), "{fix}");
}

#[test]
fn a_sweep_needs_exactly_one_plan() {
    assert!(error("package = \"p\"\n").1.contains("neither"));
    assert!(
        error("package = \"p\"\n[matrix]\nlto=[true]\n[[ladder]]\nstep=\"x\"\n")
            .1
            .contains("not both")
    );
    assert!(error("package = \"p\"\n[matrix]\nlto=[]\n").1.contains("has no values"));
    assert!(
        error("package = \"p\"\n[profile]\nlto=true\n[matrix]\nlto=[false]\n")
            .1
            .contains("both swept")
    );
}

#[test]
fn a_search_needs_a_matrix() {
    let matrix = parse("package = \"p\"\nstrategy = \"search\"\n[matrix]\nlto=[true]\n").unwrap();
    assert_eq!(matrix.strategy, Strategy::Search);
    let (pos, msg, fix) = error("package = \"p\"\nstrategy = \"search\"\n[[ladder]]\nstep=\"x\"\n");
    assert_eq!((pos, msg.as_str()), (Some((2, 12)), "a ladder has nothing to search"));
    assert!(fix.contains("[matrix]"));
    assert!(
        error("package = \"p\"\nstrategy = \"guess\"\n[matrix]\nlto=[true]\n")
            .1
            .contains("unknown strategy")
    );
}

#[test]
fn exclude_rules_accept_values_and_lists() {
    let sweep = parse("package = \"p\"\n[matrix]\nopt-level = [0, 3]\nlto = [false, true]\nexclude = [{ opt-level = [0, 1], lto = true }]\n").unwrap();
    let Plan::Matrix { exclude, .. } = &sweep.plan else { panic!("not a matrix") };
    assert_eq!(exclude[0][0].1.len(), 2);
    assert_eq!(exclude[0][1].1[0].to_string(), "fat");
    assert!(
        error("package = \"p\"\n[matrix]\nlto=[true]\nexclude = [{}]\n")
            .1
            .contains("names no axis")
    );
}

#[test]
fn missing_file_says_where_sweeps_are() {
    let err = Sweep::load(Path::new("/nonexistent/x.toml")).unwrap_err();
    assert!(err.message.starts_with("cannot read sweep file"));
    assert!(err.fix.unwrap().contains("sweeps/"));
}

#[test]
fn a_key_is_found_where_it_is_set_not_where_its_name_appears() {
    let sweep = parse(
        "name = \"pgo\"\npackage = \"p\"\n[matrix]\n  pgo= [true]\n[[train]]\nname = \"t\"\n",
    )
    .unwrap();
    assert_eq!(sweep.key_offset("pgo"), sweep.text.find("pgo=").unwrap());
    assert_eq!(sweep.key_offset("bolt"), 0, "not set: the file's start");
}

/// Attack list, case 12: what used to be caught late or not at all is refused here, at its line.
#[test]
fn late_mistakes_are_refused_at_their_line() {
    let (pos, msg, _) = error("package = \"p\"\n[matrix]\n");
    assert_eq!((pos, msg.contains("sweeps no axis")), (Some((2, 1)), true), "{msg}");
    let (pos, msg, _) = error("package = \"p\"\n[matrix]\nopt-level = [3, \"s\", 3]\n");
    assert_eq!((pos, msg.contains("lists 3 twice")), (Some((3, 22)), true), "{msg}");
    let (pos, msg, fix) =
        error("package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[ladder]]\nstep = \"a\"\nlto = true\n");
    assert_eq!((pos, msg.contains("two ladder steps")), (Some((5, 8)), true), "{msg}");
    assert!(fix.contains("its own name"), "{fix}");
    let (pos, msg, _) = error(
        "package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[run]]\nname = \"r\"\nargs = [\"ok\", \"a\\u0000b\"]\n",
    );
    assert_eq!((pos, msg.contains("NUL byte")), (Some((6, 15)), true), "{msg}");
}

/// Attack list, case 8: a matrix too large to build is refused before anything is expanded or
/// written, and so is a generated input too large to hold.
#[test]
fn matrices_and_inputs_beyond_the_bounds_are_refused() {
    let values = |n: usize| (0..n).map(|i| format!("\"-Cllvm-args=-x{i}\"")).collect::<Vec<_>>();
    let text = format!(
        "package = \"p\"\n[matrix]\nopt-level = [0, 1, 2, 3, \"s\", \"z\"]\nrustflags = [{}]\n",
        values(2000).join(", ")
    );
    let (pos, msg, fix) = error(&text);
    assert_eq!(pos, Some((2, 1)));
    assert!(msg.contains("12000 variants (6 x 2000)") && msg.contains("10000"), "{msg}");
    assert!(fix.contains("split"), "{fix}");
    let (_, msg, _) = error(
        "package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[run]]\nname = \"r\"\nstdin = { generate = \"json-records\", records = 2000000000, seed = 1 }\n",
    );
    assert!(msg.contains("2000000000 records are more than"), "{msg}");
}

/// Attack list, case 13: a sweep file that is not UTF-8 is named with the position of its
/// first bad byte and the right fix.
#[test]
fn a_file_that_is_not_utf8_gets_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    std::fs::write(&path, b"package = \"p\"\n# caf\xe9\n[[ladder]]\nstep = \"a\"\n").unwrap();
    let err = Sweep::load(&path).unwrap_err();
    assert_eq!(err.position, Some((2, 6)));
    assert!(err.fix.unwrap().contains("UTF-8"));
}

#[test]
fn the_goal_is_balanced_unless_given() {
    let text = "package = \"p\"\n[matrix]\nlto = [true]\n";
    assert_eq!(parse(text).unwrap().goal, Goal::Balanced);
    assert_eq!(parse(&format!("goal = \"size\"\n{text}")).unwrap().goal, Goal::Size);
    assert_eq!(parse(&format!("goal = \"speed\"\n{text}")).unwrap().goal, Goal::Speed);
    let (pos, msg, fix) = error(&format!("goal = \"fast\"\n{text}"));
    assert_eq!((pos, msg.as_str()), (Some((1, 8)), "unknown goal \"fast\""));
    assert!(fix.contains("\"balanced\" (the default), \"size\" or \"speed\""), "{fix}");
}

#[test]
fn a_profile_key_fixed_in_profile_and_swept_as_an_axis_is_refused_at_the_key() {
    let (at, message, fix) = error(
        "package = \"p\"\ninherits = \"dev\"\n[profile]\ndebug = false\n[matrix]\ndebug = [true, false]\n",
    );
    assert_eq!(at, Some((4, 1)));
    assert!(message.contains("`debug` is both fixed in [profile] and set as a build axis"));
    assert!(fix.contains("keep one"), "{fix}");
    let fine = parse("package = \"p\"\n[profile]\ndebug = false\n[matrix]\nincremental = [true]\n");
    assert!(fine.is_ok(), "other keys may be fixed while one is swept");
}
