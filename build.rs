//! include_dir! embeds templates/ at compile time but does not tell cargo to rebuild when a file is added.
fn main() {
    println!("cargo:rerun-if-changed=templates");
}
