//! The smallest program worth sweeping: what does `println!` cost?

fn main() {
    println!("Hello, world!");
}
