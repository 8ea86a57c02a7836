//! The on-disk cache of index answers: one small JSON file per (index, project), named by the SHA-256
//! of both, holding the file names (or `null` for a project the index does not have). An entry older
//! than [`TTL`] is asked again; one that cannot be read or written is simply not used.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

/// How long an answer is used: new releases add wheels, old ones keep theirs.
pub const TTL: Duration = Duration::from_secs(24 * 60 * 60);

fn path(dir: &Path, key: &str) -> PathBuf {
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{hex}.json"))
}

/// The cached answer for `key`, when there is a fresh one.
pub fn get(dir: &Path, key: &str) -> Option<Option<Vec<String>>> {
    let p = path(dir, key);
    let age = std::fs::metadata(&p)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())?;
    if age > TTL {
        return None;
    }
    let text = crate::base::fs::read_text(&p, &p, crate::base::fs::limit::MANIFEST).ok()?;
    serde_json::from_str(&text).ok()
}

/// Stores the answer for `key`, written whole through a temporary file (best effort).
pub fn put(dir: &Path, key: &str, names: Option<&[String]>) {
    let Ok(json) = serde_json::to_string(&names) else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir) {
        use std::io::Write;
        if tmp.write_all(json.as_bytes()).is_ok() {
            let _ = tmp.persist(path(dir, key));
        }
    }
}
