//! Deterministic inputs for the demo crates, generated at run time from a seed so nothing
//! large is checked in and every benchmark and every profile variant converts the same bytes.

/// A small, fast, deterministic pseudo-random generator (xorshift64*); not for cryptography.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (0 is mapped to a fixed non-zero state).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}

/// A JSON array of `records` objects shaped like a typical export: ids, names, prices, flags,
/// nested tags, and some missing or null fields so the CSV header has to be unioned.
pub fn json_records(seed: u64, records: usize) -> String {
    const WORDS: [&str; 8] =
        ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
    let mut rng = Rng::new(seed);
    let mut out = String::from("[");
    for i in 0..records {
        if i > 0 {
            out.push(',');
        }
        let name = format!("{} {}", WORDS[rng.below(8) as usize], WORDS[rng.below(8) as usize]);
        let price = rng.below(1_000_000) as f64 / 100.0;
        out.push_str(&format!(
            r#"{{"id":{i},"name":"{name}","price":{price},"in_stock":{}"#,
            rng.below(2) == 0
        ));
        if rng.below(4) != 0 {
            let tags: Vec<String> = (0..rng.below(4))
                .map(|_| format!("\"{}\"", WORDS[rng.below(8) as usize]))
                .collect();
            out.push_str(&format!(r#","tags":[{}]"#, tags.join(",")));
        }
        if rng.below(3) == 0 {
            out.push_str(r#","note":null"#);
        }
        out.push('}');
    }
    out.push(']');
    out
}

/// JSON Lines (one object per line, no enclosing array) of a different shape from
/// [`json_records`]: wide log events with a nested object, escaped strings that CSV must quote,
/// negative and exponent numbers, and optional keys drawn from twenty, so the header grows as
/// the input is read. For training a profile-guided build on one shape and measuring another.
pub fn json_lines_wide(seed: u64, records: usize) -> String {
    const LEVELS: [&str; 4] = ["debug", "info", "warn", "error"];
    const PATHS: [&str; 4] =
        [r#"/api/v1/items"#, r#"C:\\logs\\app"#, r#"/caf\u00e9/menu"#, r#"/q?name=\"x\""#];
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    for i in 0..records {
        let (user, region) = (rng.below(100_000), rng.below(16));
        let latency = rng.below(1_000_000) as f64 * 1.0e-3;
        out.push_str(&format!(
            r#"{{"event":{},"level":"{}","user":{{"id":{user},"region":{region}}},"path":"{}","latency_ms":{latency:e},"delta":-{},"ok":{},"message":"request {i}, status \"{}\", retried {} times""#,
            u64::MAX - rng.below(1 << 40),
            LEVELS[rng.below(4) as usize],
            PATHS[rng.below(4) as usize],
            rng.below(10_000),
            rng.below(5) != 0,
            200 + rng.below(300),
            rng.below(4),
        ));
        for key in 0..20 {
            if rng.below(5) == 0 {
                out.push_str(&format!(r#","k{key}":{}"#, rng.below(1_000)));
            }
        }
        out.push_str("}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_deterministic_valid_and_convertible() {
        let a = json_records(7, 500);
        assert_eq!(a, json_records(7, 500));
        assert_ne!(a, json_records(8, 500));
        let mut csv = Vec::new();
        let summary = json2csv::convert(a.as_bytes(), &mut csv).unwrap();
        assert_eq!(summary.records, 500);
        assert_eq!(summary.columns, 6, "id, name, price, in_stock, tags, note");
    }

    #[test]
    fn wide_lines_are_deterministic_valid_and_a_different_shape() {
        let lines = json_lines_wide(7, 300);
        assert_eq!(lines, json_lines_wide(7, 300));
        assert_eq!(lines.lines().count(), 300);
        let mut csv = Vec::new();
        let summary = json2csv::convert(lines.as_bytes(), &mut csv).unwrap();
        assert_eq!(summary.records, 300);
        assert_eq!(summary.columns, 8 + 20, "eight keys in every event, twenty optional ones");
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.contains(r#""{""id"":"#), "nested objects are written as quoted JSON");
        assert!(csv.contains("café"), "escapes are decoded");
    }
}
