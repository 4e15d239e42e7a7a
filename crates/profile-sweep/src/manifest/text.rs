//! A manifest's text as the user wrote it, and every `toml_edit` change made to it.
//!
//! `toml_edit` keeps comments and spacing but not the bytes around them: it drops a UTF-8 BOM
//! and turns every CRLF into LF (as git's `core.autocrlf` checks files out on Windows). So an
//! edit goes through [`ManifestText::edit`]: `toml_edit` sees the text with LF endings and no
//! BOM, and its output is mapped back line by line: a line the edit did not change keeps its own
//! ending, a new line gets the file's usual one, and the BOM comes back. An edit that changes
//! nothing therefore gives the original bytes back, whatever their line endings.

use similar::{Algorithm, DiffOp, capture_diff_slices};
use toml_edit::DocumentMut;

const BOM: char = '\u{feff}';

/// A manifest's text split into what `toml_edit` sees and what it would lose.
#[derive(Debug, Clone)]
pub struct ManifestText {
    bom: bool,
    /// Each line's content (without its ending) and its ending: `"\r\n"`, `"\n"`, or `""` for
    /// a last line without one.
    lines: Vec<(String, &'static str)>,
}

impl ManifestText {
    /// Splits `text` (any text: an invalid manifest is found by [`ManifestText::document`]).
    pub fn new(text: &str) -> ManifestText {
        let (bom, body) = match text.strip_prefix(BOM) {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let mut lines = Vec::new();
        let mut rest = body;
        while !rest.is_empty() {
            let (line, after) = match rest.find('\n') {
                Some(i) => (&rest[..=i], &rest[i + 1..]),
                None => (rest, ""),
            };
            lines.push(match line.strip_suffix("\r\n") {
                Some(content) => (content.to_owned(), "\r\n"),
                None => match line.strip_suffix('\n') {
                    Some(content) => (content.to_owned(), "\n"),
                    None => (line.to_owned(), ""),
                },
            });
            rest = after;
        }
        ManifestText { bom, lines }
    }

    /// The text `toml_edit` reads: LF endings, no BOM.
    pub fn normalized(&self) -> String {
        let mut out = String::new();
        for (content, ending) in &self.lines {
            out.push_str(content);
            if !ending.is_empty() {
                out.push('\n');
            }
        }
        out
    }

    /// The parsed document, for reading.
    pub fn document(&self) -> Result<DocumentMut, toml_edit::TomlError> {
        self.normalized().parse()
    }

    /// Applies `change` to the document and returns the whole new text, byte for byte the
    /// original wherever the change left a line alone, with whatever `change` returns.
    pub fn edit<T, E>(
        &self,
        change: impl FnOnce(&mut DocumentMut) -> Result<T, E>,
    ) -> Result<(String, T), EditError<E>> {
        let mut document = self.document().map_err(EditError::Parse)?;
        let value = change(&mut document).map_err(EditError::Change)?;
        Ok((self.render(&document.to_string()), value))
    }

    /// `edited` (LF endings, no BOM, as `toml_edit` writes) in this text's bytes: unchanged
    /// lines keep their endings, new ones get the file's usual ending, the BOM is kept.
    pub fn render(&self, edited: &str) -> String {
        let new_lines: Vec<&str> = edited.split_inclusive('\n').collect();
        let new_contents: Vec<&str> =
            new_lines.iter().map(|l| l.strip_suffix('\n').unwrap_or(l)).collect();
        let old_contents: Vec<&str> = self.lines.iter().map(|(c, _)| c.as_str()).collect();
        let usual = self.usual_ending();
        let mut out = String::with_capacity(edited.len() + 2 * self.lines.len() + 3);
        if self.bom {
            out.push(BOM);
        }
        let last = new_lines.len().saturating_sub(1);
        let mut push = |new_index: usize, old_index: Option<usize>| {
            out.push_str(new_contents[new_index]);
            let ending = match old_index.map(|i| self.lines[i].1) {
                // `toml_edit` ends a last line that had no newline with one: kept as it was.
                Some("") if new_index == last => "",
                Some(own) if !own.is_empty() => own,
                _ if new_lines[new_index].ends_with('\n') => usual,
                _ => "",
            };
            out.push_str(ending);
        };
        for op in capture_diff_slices(Algorithm::Myers, &old_contents, &new_contents) {
            match op {
                DiffOp::Equal { old_index, new_index, len } => {
                    (0..len).for_each(|i| push(new_index + i, Some(old_index + i)));
                }
                DiffOp::Insert { new_index, new_len, .. }
                | DiffOp::Replace { new_index, new_len, .. } => {
                    (new_index..new_index + new_len).for_each(|i| push(i, None));
                }
                DiffOp::Delete { .. } => {}
            }
        }
        out
    }

    /// The ending most of the file's lines use (LF for a file with none).
    fn usual_ending(&self) -> &'static str {
        let crlf = self.lines.iter().filter(|(_, e)| *e == "\r\n").count();
        let lf = self.lines.iter().filter(|(_, e)| *e == "\n").count();
        if crlf > lf { "\r\n" } else { "\n" }
    }
}

/// Why [`ManifestText::edit`] failed: the text is not valid TOML, or the change refused.
#[derive(Debug)]
pub enum EditError<E> {
    /// The manifest does not parse.
    Parse(toml_edit::TomlError),
    /// The change returned an error.
    Change(E),
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set_strip(text: &str) -> String {
        let (out, ()) = ManifestText::new(text)
            .edit(|doc| {
                doc["profile"]["release"]["strip"] = toml_edit::value(true);
                Ok::<(), ()>(())
            })
            .unwrap();
        out
    }

    #[test]
    fn crlf_and_bom_survive_an_edit_and_new_lines_follow_the_file() {
        let text = "\u{feff}# mine\r\n[workspace]\r\n\r\n[profile.release]\r\nlto = true\r\n";
        assert_eq!(
            set_strip(text),
            "\u{feff}# mine\r\n[workspace]\r\n\r\n[profile.release]\r\nlto = true\r\nstrip = true\r\n"
        );
    }

    #[test]
    fn mixed_endings_and_a_missing_final_newline_are_kept() {
        let text = "[workspace]\r\nmembers = []\n\n[profile.release]\r\nlto = true";
        let out = set_strip(text);
        assert!(out.starts_with("[workspace]\r\nmembers = []\n\n[profile.release]\r\n"), "{out:?}");
        assert!(out.contains("strip = true"), "{out:?}");
    }

    /// `lines` as a file: each ended by the next of `endings` (the last only with
    /// `final_newline`), after a BOM with `bom`.
    pub(crate) fn join(lines: &[&str], endings: &[&str], bom: bool, final_newline: bool) -> String {
        let mut text = String::from(if bom { "\u{feff}" } else { "" });
        for (i, line) in lines.iter().enumerate() {
            text.push_str(line);
            if i + 1 < lines.len() || final_newline {
                text.push_str(endings[i % endings.len()]);
            }
        }
        text
    }

    /// Lines of a manifest, in any combination: the property tests join them with random
    /// endings.
    fn manifest_lines() -> impl Strategy<Value = Vec<&'static str>> {
        prop::collection::vec(
            prop::sample::select(vec![
                "[workspace]",
                "members = [\"a\"] # trailing",
                "# a comment",
                "",
                "   ",
                "[profile.release]",
                "lto = true",
                "profile.dev.opt-level = 1",
                "x = { a = 1, b = \"two\" }",
                "[profile.sweep-mine] # the user's own",
                "inherits = \"release\"",
                "[workspace.dependencies]",
                "serde = \"1\"",
            ]),
            0..12,
        )
    }

    proptest! {
        #[test]
        fn any_text_comes_back_byte_for_byte_from_an_edit_that_changes_nothing(
            lines in manifest_lines(),
            endings in prop::collection::vec(prop::sample::select(vec!["\n", "\r\n"]), 12),
            bom in any::<bool>(),
            final_newline in any::<bool>(),
        ) {
            let text = join(&lines, &endings, bom, final_newline);
            let manifest = ManifestText::new(&text);
            prop_assert_eq!(manifest.render(&manifest.normalized()), text.clone());
            if manifest.document().is_ok() {
                let (out, ()) = manifest.edit(|_| Ok::<(), ()>(())).unwrap();
                prop_assert_eq!(out, text);
            }
        }
    }
}
