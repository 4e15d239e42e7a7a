//! What a built executable is made of: its size, the sizes of its section groups, its sha256.

use std::path::Path;

use anyhow::{Context, Result};
use object::{Object, ObjectSection};

use crate::util::hash::sha256_hex;

/// Sizes of one executable, in bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BinarySizes {
    /// The file's size.
    pub file: u64,
    /// Section groups; `None` when the file format could not be read.
    pub sections: Option<SectionSizes>,
    /// sha256 of the file, lower-case hex.
    pub sha256: String,
}

/// Section sizes summed by what they hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SectionSizes {
    /// Machine code: `.text*`.
    pub text: u64,
    /// Constants: `.rodata*` (`.rdata` in a PE file).
    pub rodata: u64,
    /// Initialised data: `.data*` (including `.data.rel.ro`).
    pub data: u64,
    /// Unwinding tables: `.eh_frame*`, `.gcc_except_table`; in a PE file also `.pdata` and
    /// `.xdata`.
    pub eh_frame: u64,
    /// The static symbol table: `.symtab`, `.strtab` (what `strip = "symbols"` removes); in a
    /// PE file the COFF symbol and string tables, which follow the sections.
    pub symbols: u64,
    /// Debug info: `.debug_*` and `.zdebug_*`.
    pub debug: u64,
}

/// Measures the executable at `path`.
pub fn measure(path: &Path) -> Result<BinarySizes> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(BinarySizes {
        file: bytes.len() as u64,
        sections: section_sizes(&bytes),
        sha256: sha256_hex(&bytes),
    })
}

/// Sums the sections of an object file by group; `None` for formats `object` cannot read.
pub fn section_sizes(bytes: &[u8]) -> Option<SectionSizes> {
    if crate::measure::wasm::is_wasm(bytes) {
        // A module's machine code is its code section.
        let text = crate::measure::wasm::code_bytes(bytes)?;
        return Some(SectionSizes { text, ..SectionSizes::default() });
    }
    let file = object::File::parse(bytes).ok()?;
    let mut sizes = SectionSizes::default();
    for section in file.sections() {
        let Ok(name) = section.name() else { continue };
        let size = section.size();
        let slot = match name {
            n if n.starts_with(".text") => &mut sizes.text,
            n if n.starts_with(".rodata") || n == ".rdata" => &mut sizes.rodata,
            n if n.starts_with(".data") => &mut sizes.data,
            n if n.starts_with(".eh_frame") || n == ".gcc_except_table" => &mut sizes.eh_frame,
            ".pdata" | ".xdata" => &mut sizes.eh_frame,
            ".symtab" | ".strtab" => &mut sizes.symbols,
            n if n.starts_with(".debug_") || n.starts_with(".zdebug_") => &mut sizes.debug,
            _ => continue,
        };
        *slot += size;
    }
    if file.format() == object::BinaryFormat::Pe {
        sizes.symbols = coff_symbol_bytes(bytes).unwrap_or_default();
    }
    Some(sizes)
}

/// The bytes of a 64-bit PE file's COFF symbol table (18 bytes a symbol) and the string table
/// after it (its first four bytes give its length): what mingw's linker leaves unless
/// stripped. Zero when there is none.
fn coff_symbol_bytes(bytes: &[u8]) -> Option<u64> {
    let pe = object::read::pe::PeFile64::parse(bytes).ok()?;
    let header = pe.nt_headers().file_header;
    let little = object::LittleEndian;
    let at = header.pointer_to_symbol_table.get(little) as usize;
    let count = header.number_of_symbols.get(little) as usize;
    if at == 0 {
        return Some(0);
    }
    let strings_at = at.checked_add(count.checked_mul(18)?)?;
    let length = bytes.get(strings_at..strings_at.checked_add(4)?)?;
    let strings = u32::from_le_bytes(length.try_into().ok()?);
    Some((count * 18) as u64 + u64::from(strings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_this_test_binary() {
        let me = std::env::current_exe().unwrap();
        let sizes = measure(&me).unwrap();
        assert_eq!(sizes.file, std::fs::metadata(&me).unwrap().len());
        assert_eq!(sizes.sha256.len(), 64);
        let sections = sizes.sections.expect("an ELF test binary");
        assert!(sections.text > 0 && sections.rodata > 0 && sections.eh_frame > 0);
        assert!(sections.symbols > 0, "test binaries keep their symbol table");
        assert!(sections.text + sections.rodata + sections.data + sections.debug < sizes.file);
    }

    #[test]
    fn unreadable_formats_have_no_sections() {
        assert_eq!(section_sizes(b"#!/bin/sh\necho hi\n"), None);
    }
}
