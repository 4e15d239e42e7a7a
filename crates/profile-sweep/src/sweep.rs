//! Running a sweep end to end: validate everything, put the profiles in, build and measure each
//! variant, record a row as each one finishes, put the manifest back.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::binary::{self, BinarySizes};
use crate::build::{self, BuildOutcome, BuildRequest};
use crate::error::{InputError, SweepError};
use crate::fsutil::{remove_dir, remove_file};
use crate::guard::{self, ManifestGuard, Recovery};
use crate::interrupt;
use crate::machine::Machine;
use crate::manifest;
use crate::runtime::{self, RunOutcome};
use crate::progress::Progress;
use crate::results::{ResultsFile, Row, Status};
use crate::spec::{RunInput, Sweep};
use crate::toolchain::Toolchain;
use crate::variants::{self, Variant};
use crate::workspace::{BuildTarget, Workspace};

/// What to sweep and where to put the results.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// The sweep file.
    pub sweep_file: PathBuf,
    /// A manifest of the workspace to sweep (any member's; the root's is found from it).
    pub manifest_path: PathBuf,
    /// Results go to `<results_root>/<sweep name>/` ...
    pub results_root: PathBuf,
    /// ... unless this names the directory.
    pub out_dir: Option<PathBuf>,
    /// Keep each variant's `target/sweep-<id>/` instead of deleting it once measured.
    pub keep_builds: bool,
    /// The cargo to run.
    pub cargo: PathBuf,
}

/// What a finished sweep did.
#[derive(Debug)]
pub struct SweepReport {
    /// The results file written.
    pub results_csv: PathBuf,
    /// The rows this run wrote, in build order.
    pub rows: Vec<Row>,
    /// What expansion and recovery had to say.
    pub notes: Vec<String>,
}

/// The rows of a run in progress and the context every row shares.
struct Recorder<'a> {
    sweep: &'a Sweep,
    target: &'a BuildTarget,
    toolchain: &'a Toolchain,
    machine: Machine,
    /// The stdin file of each of the sweep's runs.
    inputs: Vec<Option<PathBuf>>,
    /// Measurements by (sha256, run name), so an identical executable is measured once.
    measured: HashMap<(String, String), (String, RunOutcome)>,
    out_dir: PathBuf,
    artifacts_dir: PathBuf,
    results: ResultsFile,
    twins: Twins,
    rows: Vec<Row>,
}

/// Remembers which variant first produced each executable, to report byte-identical ones.
#[derive(Debug, Default)]
struct Twins(HashMap<String, String>);

impl Twins {
    /// The earlier variant with the same sha256 as `variant`, if any.
    fn earlier(&mut self, sha256: &str, variant: &str) -> Option<String> {
        let first = self.0.entry(sha256.to_owned()).or_insert_with(|| variant.to_owned());
        (first != variant).then(|| first.clone())
    }
}

/// Runs the sweep. Input errors come before anything is built or modified; once the manifest
/// is edited, every way out (success, error, signal, panic) restores it.
pub fn run(options: &SweepOptions, on_recovery: impl Fn(&Recovery)) -> Result<SweepReport, SweepError> {
    // Repair what a killed sweep left first, whatever else is wrong with this run.
    let workspace = Workspace::load(&options.cargo, &options.manifest_path)?;
    let state_dir = guard::state_dir(&workspace.target_dir, &workspace.root_manifest);
    if let Some(recovery) = guard::recover(&workspace.root_manifest, &state_dir)? {
        on_recovery(&recovery);
    }
    let sweep = Sweep::load(&options.sweep_file)?;
    let target = workspace.build_target(&sweep)?;
    let manifest_path = &workspace.root_manifest;
    let manifest_text = fs::read_to_string(manifest_path).with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let inherited = manifest::inherited_settings(manifest_path, &manifest_text, &sweep)?;
    let expansion = variants::expand(&sweep, inherited.settings);
    if expansion.variants.is_empty() {
        return Err(InputError::in_file(&sweep.file, "the exclude rules drop every combination; nothing to build")
            .with_fix("loosen the exclude rules")
            .into());
    }
    let edited = manifest::with_sweep_profiles(manifest_path, &manifest_text, &sweep, &inherited, &expansion.variants)?;
    let out_dir = options.out_dir.clone().unwrap_or_else(|| options.results_root.join(&sweep.name));
    let results = ResultsFile::open(&out_dir.join("results.csv"))?;
    let toolchain = Toolchain::detect(manifest_path.parent().unwrap_or(Path::new(".")))?;
    let work_dir = workspace.target_dir.join("profile-sweep").join(&sweep.name);
    let inputs = sweep.runs.iter().map(|run| materialise(run.stdin.as_ref(), &work_dir.join("inputs"))).collect::<anyhow::Result<_>>()?;
    interrupt::install()?;

    let (mut guard, _) = ManifestGuard::acquire(manifest_path, &state_dir)?;
    if guard.original() != manifest_text.as_bytes() {
        return Err(anyhow::anyhow!("{} changed while the sweep was starting; run it again", manifest_path.display()).into());
    }
    guard.write(&edited)?;

    let progress = Progress::new(expansion.variants.len());
    for note in &expansion.notes {
        progress.note(&format!("note: {note}"));
    }
    let mut recorder = Recorder {
        sweep: &sweep,
        target: &target,
        toolchain: &toolchain,
        machine: Machine::detect(),
        inputs,
        measured: HashMap::new(),
        artifacts_dir: work_dir.join("bin"),
        out_dir,
        results,
        twins: Twins::default(),
        rows: Vec::new(),
    };
    let total = expansion.variants.len();
    for (index, variant) in expansion.variants.iter().enumerate() {
        let interrupted = || SweepError::Interrupted { finished: index, total, results: recorder.results.path().to_owned() };
        if interrupt::interrupted() {
            return Err(interrupted());
        }
        progress.start(index, &variant.id);
        let profile = variant.profile_name();
        let profile_dir = workspace.target_dir.join(&profile);
        // A clean build, so build_seconds is comparable between variants and runs.
        remove_dir(&profile_dir)?;
        let outcome = build::build(BuildRequest { cargo: &options.cargo, manifest: manifest_path, profile: &profile, target: &target })?;
        if interrupt::interrupted() {
            return Err(interrupted());
        }
        let summary = recorder.record(variant, outcome)?;
        if !options.keep_builds {
            remove_dir(&profile_dir)?;
        }
        progress.finish_variant(index, &summary);
    }
    drop(progress);
    guard.restore()?;
    Ok(SweepReport { results_csv: recorder.results.path().to_owned(), rows: recorder.rows, notes: expansion.notes })
}

impl Recorder<'_> {
    /// Turns a build outcome into a row, writes it, and returns a one-line summary.
    fn record(&mut self, variant: &Variant, outcome: BuildOutcome) -> anyhow::Result<String> {
        let log = self.out_dir.join("logs").join(format!("{}.log", variant.id));
        match outcome {
            BuildOutcome::Built { executable, seconds } => {
                let file_name = executable.file_name().context("executable without a file name")?;
                let kept = self.artifacts_dir.join(&variant.id).join(file_name);
                fs::create_dir_all(kept.parent().expect("has a parent"))?;
                fs::copy(&executable, &kept).with_context(|| format!("cannot copy {} to {}", executable.display(), kept.display()))?;
                let sizes = binary::measure(&kept)?;
                let identical_to = self.twins.earlier(&sizes.sha256, &variant.id);
                remove_file(&log)?;
                let mut summary = format!(
                    "{} ok: {} bytes, built in {seconds:.1} s{}",
                    variant.id,
                    thousands(sizes.file),
                    identical_to.as_ref().map(|v| format!(", byte-identical to {v}")).unwrap_or_default()
                );
                let size_row = self.row(variant, Status::Ok, seconds, Some(&sizes), identical_to);
                self.save(size_row.clone())?;
                for index in 0..self.sweep.runs.len() {
                    // On a signal, keep the size row and let the sweep loop stop.
                    if interrupt::interrupted() {
                        break;
                    }
                    summary.push_str(&self.measure_run(variant, &kept, &sizes.sha256, index, &size_row)?);
                }
                Ok(summary)
            }
            BuildOutcome::Failed { seconds, errors } => {
                fs::create_dir_all(log.parent().expect("has a parent"))?;
                fs::write(&log, format!("profile {}\n\n{errors}\n", variant.profile_name()))
                    .with_context(|| format!("cannot write {}", log.display()))?;
                self.save(self.row(variant, Status::BuildFailed, seconds, None, None))?;
                Ok(format!("{} build-failed after {seconds:.1} s; see {}", variant.id, log.display()))
            }
        }
    }

    fn save(&mut self, row: Row) -> anyhow::Result<()> {
        self.results.record(row.clone())?;
        self.rows.push(row);
        Ok(())
    }

    /// Times run number `index` of the sweep on `executable` (or reuses the measurement of a
    /// byte-identical executable), writes its row, and returns a summary fragment.
    fn measure_run(&mut self, variant: &Variant, executable: &Path, sha256: &str, index: usize, size_row: &Row) -> anyhow::Result<String> {
        let run = &self.sweep.runs[index];
        let key = (sha256.to_owned(), run.spec.name.clone());
        let (measured_as, outcome) = match self.measured.get(&key) {
            Some((first, outcome)) => (Some(first.clone()), outcome.clone()),
            None => {
                let outcome = runtime::measure(executable, &run.spec, self.inputs[index].as_deref())?;
                self.measured.insert(key, (variant.id.clone(), outcome.clone()));
                (None, outcome)
            }
        };
        let mut row = Row {
            measurement: Some(run.spec.name.clone()),
            // A whole-binary run measures exactly what was built, panic strategy included.
            panic_effective: Some(size_row.panic.clone()),
            measured_as: measured_as.clone(),
            ..size_row.clone()
        };
        let log = self.out_dir.join("logs").join(format!("{}.{}.log", variant.id, run.spec.name));
        let summary = match &outcome {
            RunOutcome::Measured(timing) => {
                let wall = timing.wall_ns;
                row.mean_ns = Some(wall.mean.round());
                row.ci_low_ns = Some(wall.ci_low.round());
                row.ci_high_ns = Some(wall.ci_high.round());
                row.median_ns = Some(wall.median.round());
                row.min_ns = Some(wall.min.round());
                row.max_ns = Some(wall.max.round());
                row.std_dev_ns = Some(wall.std_dev.round());
                row.samples = Some(wall.samples as u32);
                row.peak_rss_bytes = Some(timing.peak_rss_bytes);
                row.note = measured_as.as_ref().map(|twin| format!("byte-identical to {twin}; its measurement is reused"));
                remove_file(&log)?;
                format!(
                    "; {} {:.3} ms ±{:.1}%",
                    run.spec.name,
                    wall.mean / 1e6,
                    (wall.ci_high - wall.mean) / wall.mean * 100.0
                )
            }
            RunOutcome::Failed { reason, stderr } => {
                row.status = Status::RunFailed;
                row.note = Some(reason.clone());
                fs::create_dir_all(log.parent().expect("has a parent"))?;
                fs::write(&log, format!("{} {}: {reason}\n\n{stderr}\n", variant.id, run.spec.name))
                    .with_context(|| format!("cannot write {}", log.display()))?;
                format!("; {} run-failed ({reason}), see {}", run.spec.name, log.display())
            }
        };
        self.save(row)?;
        Ok(summary)
    }

    fn row(&self, variant: &Variant, status: Status, seconds: f64, sizes: Option<&BinarySizes>, identical_to: Option<String>) -> Row {
        let [opt_level, lto, codegen_units, panic, strip] = variant.settings.values().map(|s| s.to_string());
        let sections = sizes.and_then(|s| s.sections);
        let fixed: Vec<String> = self.sweep.pass_through.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Row {
            sweep: self.sweep.name.clone(),
            variant: variant.id.clone(),
            opt_level,
            lto,
            codegen_units: codegen_units.parse().expect("a number"),
            panic,
            strip,
            target: self.toolchain.host.clone(),
            status,
            build_seconds: Some((seconds * 1000.0).round() / 1000.0),
            size_bytes: sizes.map(|s| s.file),
            text_bytes: sections.map(|s| s.text),
            measurement: None,
            mean_ns: None,
            ci_low_ns: None,
            ci_high_ns: None,
            rustc: self.toolchain.version.clone(),
            step: variant.step.clone(),
            package: self.target.package.clone(),
            bin: self.target.bin.clone(),
            inherits: self.sweep.inherits.value.clone(),
            fixed_settings: (!fixed.is_empty()).then(|| fixed.join(";")),
            rodata_bytes: sections.map(|s| s.rodata),
            data_bytes: sections.map(|s| s.data),
            eh_frame_bytes: sections.map(|s| s.eh_frame),
            symbol_bytes: sections.map(|s| s.symbols),
            debug_bytes: sections.map(|s| s.debug),
            sha256: sizes.map(|s| s.sha256.clone()),
            identical_to,
            median_ns: None,
            min_ns: None,
            max_ns: None,
            std_dev_ns: None,
            samples: None,
            peak_rss_bytes: None,
            panic_effective: None,
            measured_as: None,
            note: None,
            host: self.machine.host.clone(),
            cpu_model: self.machine.cpu_model.clone(),
            governor: self.machine.governor.clone(),
            finished_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        }
    }
}

/// The stdin file of a run: an existing file as is, generated records written once into `dir`.
fn materialise(input: Option<&RunInput>, dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    Ok(match input {
        None => None,
        Some(RunInput::File(path)) => Some(path.clone()),
        Some(RunInput::JsonRecords { records, seed }) => {
            let path = dir.join(format!("json-records-{records}-seed{seed}.json"));
            if !path.exists() {
                crate::fsutil::write_atomic(&path, demo_input::json_records(*seed, *records).as_bytes())?;
            }
            Some(path)
        }
    })
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Twins, thousands};

    #[test]
    fn identical_executables_point_at_the_first_variant() {
        let mut twins = Twins::default();
        assert_eq!(twins.earlier("aa", "o3"), None);
        assert_eq!(twins.earlier("bb", "oz"), None);
        assert_eq!(twins.earlier("aa", "o3-again").as_deref(), Some("o3"));
        assert_eq!(twins.earlier("aa", "o3"), None, "a variant is not its own twin");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(4_546_664), "4,546,664");
    }
}
