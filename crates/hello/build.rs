//! With the `no-std` feature the binary has no C runtime: link it alone, statically, with no
//! start files and no libc.
fn main() {
    if std::env::var_os("CARGO_FEATURE_NO_STD").is_some() {
        println!("cargo:rustc-link-arg-bins=-nostartfiles");
        println!("cargo:rustc-link-arg-bins=-nostdlib");
        println!("cargo:rustc-link-arg-bins=-static");
    }
}
