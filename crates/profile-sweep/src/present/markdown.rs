//! Markdown tables for the report: columns with their alignment, rows of cells, rendered in
//! one place (as hyperfine's `MarkupExporter::table_row`), so no table spells out its rule.

use std::fmt;

/// How a column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text: names, settings, notes.
    Left,
    /// Numbers.
    Right,
}

/// A Markdown table: a header, an alignment rule, and rows.
#[derive(Debug, Default)]
pub struct Table {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these columns and no rows.
    pub fn new(columns: &[(&str, Align)]) -> Table {
        let columns = columns.iter().map(|(name, align)| ((*name).to_owned(), *align)).collect();
        Table { columns, rows: Vec::new() }
    }

    /// Adds a column at the right (before any row is added).
    pub fn column(&mut self, name: impl Into<String>, align: Align) {
        debug_assert!(self.rows.is_empty(), "columns come before rows");
        self.columns.push((name.into(), align));
    }

    /// Adds a row; it has one cell per column.
    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.columns.len(), "one cell per column");
        self.rows.push(cells);
    }
}

impl fmt::Display for Table {
    /// The header, the rule and every row, each line ending in a newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.columns.iter().map(|(name, _)| name.as_str()).collect();
        writeln!(f, "| {} |", names.join(" | "))?;
        let rule: String = self
            .columns
            .iter()
            .map(|(_, align)| match align {
                Align::Left => "---|",
                Align::Right => "---:|",
            })
            .collect();
        writeln!(f, "|{rule}")?;
        for row in &self.rows {
            writeln!(f, "| {} |", row.join(" | "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_render_header_rule_and_rows() {
        let mut table = Table::new(&[("variant", Align::Left), ("size", Align::Right)]);
        table.column("note", Align::Left);
        table.row(vec!["`a`".into(), "1,024".into(), String::new()]);
        assert_eq!(
            table.to_string(),
            "| variant | size | note |\n|---|---:|---|\n| `a` | 1,024 |  |\n"
        );
    }
}
