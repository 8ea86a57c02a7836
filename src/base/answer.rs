//! The names of the answers (the user's choices: `--KEY`, `DOCKGEN_KEY`, `KEY =` in `dockgen.toml`), as
//! one closed enum, [`Key`], declared once below: each variant with its kebab-case name, from which the
//! flag, the variable and the saved name follow.
//!
//! It lives in the leaf so detection can key the evidence of the choices it is handed
//! (`detect::Options::origins`) by the same type. What each answer holds, how it is parsed, asked and
//! saved is `init::answers`' table, which has one row per variant, in this order (a test holds the two
//! together). A name is parsed only where text comes in (flags, variables, the saved file), through
//! [`Key::from_name`].

/// Declares [`Key`]: one `Variant = "name"` per answer, in the order they are asked, saved and listed.
macro_rules! answer_keys {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// One answer. Compared and ordered in declaration order (the table's order).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Key {
            $($(#[$doc])* $variant,)*
        }

        impl Key {
            /// Every answer, in declaration order.
            pub const ALL: &'static [Key] = &[$(Key::$variant,)*];

            /// The kebab-case name: the flag's `--NAME`, the variable's `DOCKGEN_NAME` (upper-cased, `_`
            /// for `-`) and the key in `dockgen.toml`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Key::$variant => $name,)*
                }
            }
        }
    };
}

answer_keys! {
    Framework = "framework",
    PackageManager = "package-manager",
    Python = "python",
    AppDir = "app-dir",
    Entrypoint = "entrypoint",
    CeleryApp = "celery-app",
    Port = "port",
    Postgres = "postgres",
    Redis = "redis",
    TaskWorkers = "task-workers",
    HealthPath = "health-path",
    ServerWorkers = "server-workers",
    ServerTimeout = "server-timeout",
    WorkerClass = "worker-class",
    MaxRequests = "max-requests",
    MaxRequestsJitter = "max-requests-jitter",
    ForwardedAllowIps = "forwarded-allow-ips",
    MigrateCommand = "migrate-command",
    ComposeFile = "compose-file",
    Memory = "memory",
    Cpus = "cpus",
    SystemPackages = "system-packages",
    Target = "target",
    IngressHost = "ingress-host",
    Proxy = "proxy",
    Templates = "templates",
    Unmanaged = "unmanaged",
}

impl Key {
    /// The answer of this kebab-case name (not an earlier name: the table's aliases are looked up by
    /// `init::answers::named`).
    pub fn from_name(name: &str) -> Option<Key> {
        Key::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// The answer's position in [`Key::ALL`] (and in the answers table).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// `--NAME`.
    pub fn flag(self) -> String {
        format!("--{}", self.name())
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Key;

    #[test]
    fn every_name_is_its_own_and_parses_back() {
        for (i, k) in Key::ALL.iter().enumerate() {
            assert_eq!(k.index(), i, "{k}");
            assert_eq!(Key::from_name(k.name()), Some(*k), "{k}");
            assert_eq!(k.flag(), format!("--{k}"));
        }
        assert_eq!(Key::from_name("Port"), None);
        assert_eq!(Key::from_name("workers"), None);
    }
}
