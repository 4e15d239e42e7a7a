//! `report.html` in a real headless Chromium (Debian's `chromium`, driven by puppeteer-core;
//! `cargo xtask test` installs both): the 432-variant report opens with no console
//! error and no request beyond the file, hovering a frontier point shows its tooltip, and a
//! screenshot is saved to `target/report-html-screenshot.png`.

use std::path::Path;
use std::process::Command;

use crate::fixture::{stderr, stdout};

#[test]
#[ignore = "needs Chromium and puppeteer-core: `cargo xtask test` installs them"]
fn the_html_report_of_the_full_matrix_works_in_a_real_browser() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let node = crate::fixture::node();

    let dir = tempfile::tempdir().unwrap();
    for file in ["run.json", "variants.csv", "measurements.csv"] {
        std::fs::copy(repo.join("results/full").join(file), dir.path().join(file)).unwrap();
    }
    let plot =
        Command::new(env!("CARGO_BIN_EXE_xtask")).arg("plot").arg(dir.path()).output().unwrap();
    assert!(plot.status.success(), "{}", stderr(&plot));
    let html = dir.path().join("report.html");
    let bytes = std::fs::metadata(&html).unwrap().len();
    assert!(bytes < 1_000_000, "report.html of 432 variants is {bytes} bytes, over 1 MB");

    let screenshot = repo.join("target/report-html-screenshot.png");
    let tools = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| repo.join("target"), std::path::PathBuf::from)
        .join("tools/browser/node_modules");
    let output = Command::new(node)
        .arg(repo.join("xtask/tests/tools/browser-check.js"))
        .arg(&html)
        .arg(&screenshot)
        .env("NODE_PATH", tools)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let seen: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(seen["errors"], serde_json::json!([]), "console errors: {seen}");
    assert_eq!(seen["requests"], serde_json::json!([]), "it loaded something: {seen}");
    assert_eq!(seen["points"], 432, "{seen}");
    let hovered = seen["hovered"].as_str().expect("a frontier point to hover");
    let tooltip = seen["tooltip"].as_str().expect("the tooltip shows on hover");
    for expected in [
        hovered,
        "size: ",
        "(95% CI)",
        "on the Pareto frontier",
        "[profile.release]",
        &format!("cargo profile-sweep apply . {hovered}"),
    ] {
        assert!(tooltip.contains(expected), "the tooltip lacks {expected:?}: {tooltip}");
    }
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "a real screenshot");
}
