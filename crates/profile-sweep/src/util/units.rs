//! Numbers as people read them, shared by the sweep summary, the charts and the report.

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

/// A duration in nanoseconds with a readable unit: `812 ns`, `6.35 ms`, `1.204 s`.
pub fn human_ns(ns: f64) -> String {
    match ns {
        ns if ns < 1e3 => format!("{ns:.0} ns"),
        ns if ns < 1e6 => format!("{:.2} µs", ns / 1e3),
        ns if ns < 1e9 => format!("{:.2} ms", ns / 1e6),
        ns => format!("{:.3} s", ns / 1e9),
    }
}

/// What a measurement's numbers count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Time in nanoseconds (wall time, criterion's time per iteration).
    Nanoseconds,
    /// Instructions executed (exact counts).
    Instructions,
    /// Estimated cycles (exact counts of a simulated cache; see
    /// [`crate::measure::instructions`]).
    Cycles,
}

impl Unit {
    /// Whether values are exact counts (no interval, unmoved by load) rather than times.
    pub fn is_count(self) -> bool {
        self != Unit::Nanoseconds
    }

    /// What a count counts: `instructions`, `estimated cycles`; `runtime` for times.
    pub fn noun(self) -> &'static str {
        match self {
            Unit::Nanoseconds => "runtime",
            Unit::Instructions => "instructions",
            Unit::Cycles => "estimated cycles",
        }
    }

    /// A value for a table: `6.35 ms`, or an exact count `457,654,768`.
    pub fn exact(self, value: f64) -> String {
        match self {
            Unit::Instructions | Unit::Cycles => thousands(value.round() as u64),
            Unit::Nanoseconds => self.format(value),
        }
    }

    /// A value for people: `6.35 ms`, or `457.65 M instructions`.
    pub fn format(self, value: f64) -> String {
        match self {
            Unit::Nanoseconds => human_ns(value),
            Unit::Instructions | Unit::Cycles => {
                let (divisor, name) = self.scale(value);
                let digits = if divisor == 1.0 { 0 } else { 2 };
                format!("{:.digits$} {name}", value / divisor)
            }
        }
    }

    /// A divisor and its name that keep values up to `max` readable on an axis.
    pub fn scale(self, max: f64) -> (f64, &'static str) {
        match self {
            Unit::Nanoseconds => match max {
                ns if ns >= 1e9 => (1e9, "s"),
                ns if ns >= 1e6 => (1e6, "ms"),
                ns if ns >= 1e3 => (1e3, "µs"),
                _ => (1.0, "ns"),
            },
            Unit::Instructions => match max {
                n if n >= 1e9 => (1e9, "G instructions"),
                n if n >= 1e6 => (1e6, "M instructions"),
                n if n >= 1e3 => (1e3, "k instructions"),
                _ => (1.0, "instructions"),
            },
            Unit::Cycles => match max {
                n if n >= 1e9 => (1e9, "G estimated cycles"),
                n if n >= 1e6 => (1e6, "M estimated cycles"),
                n if n >= 1e3 => (1e3, "k estimated cycles"),
                _ => (1.0, "estimated cycles"),
            },
        }
    }
}

/// A byte count as `383 KB` or `1.2 MB` (decimal units, as on the size axis).
pub fn human_bytes(bytes: f64) -> String {
    match bytes {
        b if b >= 1e6 => format!("{} MB", trim(b / 1e6)),
        b if b >= 1e3 => format!("{} KB", trim(b / 1e3)),
        b => format!("{b:.0} B"),
    }
}

/// At most three significant digits, without trailing zeros.
pub fn trim(value: f64) -> String {
    let text = if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(4_546_664), "4,546,664");
    }

    #[test]
    fn readable_units() {
        assert_eq!(human_bytes(200_000.0), "200 KB");
        assert_eq!(human_bytes(1_000_000.0), "1 MB");
        assert_eq!(human_bytes(1_500_000.0), "1.5 MB");
        assert_eq!(human_bytes(383_080.0), "383 KB");
        assert_eq!(trim(6.5), "6.5");
        assert_eq!(trim(396.9), "397");
        assert_eq!(human_ns(812.0), "812 ns");
        assert_eq!(human_ns(6_346_499.0), "6.35 ms");
        assert_eq!(human_ns(1_204_000_000.0), "1.204 s");
        assert_eq!(Unit::Nanoseconds.format(812.0), "812 ns");
        assert_eq!(Unit::Instructions.format(457_654_768.0), "457.65 M instructions");
        assert_eq!(Unit::Instructions.format(323_760.0), "323.76 k instructions");
        assert_eq!(Unit::Instructions.format(512.0), "512 instructions");
        assert_eq!(Unit::Nanoseconds.scale(2.5e6), (1e6, "ms"));
    }
}
