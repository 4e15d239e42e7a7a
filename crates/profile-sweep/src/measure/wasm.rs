//! WebAssembly modules: the code size of every function from the code section, named by the
//! module's `name` section (what twiggy's `top` lists), read with `wasmparser`. A module
//! without a name section (stripped) has no per-function breakdown.

use std::collections::HashMap;

use wasmparser::{Imports, KnownCustom, Name, Parser, Payload, TypeRef};

/// Whether `bytes` is a WebAssembly module.
pub fn is_wasm(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\0asm")
}

/// Bytes of the code section, the module's machine code (`None` if it is not a readable
/// module or has no code).
pub fn code_bytes(bytes: &[u8]) -> Option<u64> {
    Parser::new(0).parse_all(bytes).find_map(|payload| match payload {
        Ok(Payload::CodeSectionStart { unchecked_range: range, .. }) => {
            Some(range.end.saturating_sub(range.start))
        }
        _ => None,
    })
}

/// Every defined function's name and body size, in index order; `None` if the module cannot
/// be read or has no function names.
pub fn functions(bytes: &[u8]) -> Option<Vec<(String, u64)>> {
    let mut imported = 0u32;
    let mut bodies: Vec<u64> = Vec::new();
    let mut names: HashMap<u32, String> = HashMap::new();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.ok()? {
            Payload::ImportSection(reader) => {
                for group in reader {
                    imported += imported_functions(&group.ok()?)?;
                }
            }
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                bodies.push(range.end - range.start);
            }
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(reader) = section.as_known() {
                    for name in reader.flatten() {
                        if let Name::Function(map) = name {
                            names.extend(
                                map.into_iter().flatten().map(|n| (n.index, n.name.to_owned())),
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if names.is_empty() {
        return None;
    }
    let functions = bodies
        .into_iter()
        .enumerate()
        .map(|(i, size)| {
            let index = imported + i as u32;
            (names.get(&index).cloned().unwrap_or_else(|| format!("function[{index}]")), size)
        })
        .collect();
    Some(functions)
}

/// How many functions one group of the import section imports.
fn imported_functions(group: &Imports<'_>) -> Option<u32> {
    let is_function = |ty: &TypeRef| matches!(ty, TypeRef::Func(_) | TypeRef::FuncExact(_));
    Some(match group {
        Imports::Single(_, import) => u32::from(is_function(&import.ty)),
        Imports::Compact1 { items, .. } => {
            let mut count = 0;
            for item in items.clone() {
                count += u32::from(is_function(&item.ok()?.ty));
            }
            count
        }
        Imports::Compact2 { ty, names, .. } => {
            if is_function(ty) {
                names.count()
            } else {
                0
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing one function and defining two, hand-assembled; with `named`, a name
    /// section names them `_ZN4demo4main17h0123456789abcdefE` and `helper`.
    fn module(named: bool) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        // type section: one type, () -> ()
        m.extend([1, 4, 1, 0x60, 0, 0]);
        // import section: "env" "f" func type 0
        m.extend([2, 9, 1, 3, b'e', b'n', b'v', 1, b'f', 0, 0]);
        // function section: two functions of type 0
        m.extend([3, 3, 2, 0, 0]);
        // code section: bodies of 2 and 4 bytes (locals 0, end / locals 0, nop nop end)
        m.extend([10, 9, 2, 2, 0, 0x0b, 4, 0, 0x01, 0x01, 0x0b]);
        if !named {
            return m;
        }
        // name section: function names 1 and 2
        let mangled = b"_ZN4demo4main17h0123456789abcdefE";
        let mut map = vec![2, 1, mangled.len() as u8];
        map.extend(mangled);
        map.extend([2, 6]);
        map.extend(b"helper");
        let mut sub = vec![1, map.len() as u8];
        sub.extend(map);
        let mut custom = vec![4];
        custom.extend(b"name");
        custom.extend(sub);
        m.push(0);
        m.push(custom.len() as u8);
        m.extend(custom);
        m
    }

    #[test]
    fn functions_are_named_from_the_name_section_after_the_imports() {
        let bytes = module(true);
        assert!(is_wasm(&bytes));
        assert_eq!(code_bytes(&bytes), Some(9));
        assert_eq!(
            functions(&bytes),
            Some(vec![
                ("_ZN4demo4main17h0123456789abcdefE".to_owned(), 2),
                ("helper".to_owned(), 4)
            ])
        );
        assert_eq!(functions(&module(false)), None, "no name section, no names");
    }
}
