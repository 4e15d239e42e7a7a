//! Text shown to people from what a child process printed.

/// How many lines of a failed command's stderr are kept.
const ERROR_LINES: usize = 40;

/// The first `ERROR_LINES` (40) lines from the first `error` line on, or the last lines if none.
pub fn first_error_lines(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("error"))
        .unwrap_or(lines.len().saturating_sub(ERROR_LINES));
    lines[start..].iter().take(ERROR_LINES).copied().collect::<Vec<_>>().join("\n")
}

/// The first non-empty line of `text`, trimmed (`(no output)` if none): a failure in one line.
pub fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("(no output)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_start_at_the_first_error() {
        let stderr =
            "   Compiling a v0.1.0\nwarning: unused\nerror: linking with `cc` failed\n  note: x\n";
        assert_eq!(first_error_lines(stderr), "error: linking with `cc` failed\n  note: x");
        let many: String = (0..100).map(|i| format!("line {i}\n")).collect();
        assert!(first_error_lines(&many).starts_with("line 60\n"));
        assert_eq!(first_line("\n  error: x\nmore"), "error: x");
        assert_eq!(first_line(""), "(no output)");
    }
}
