//! [`registry_handle!`]: the value type of an open registry (frameworks, package managers): a `Copy`
//! handle to a `&'static dyn Spec`, compared, ordered, hashed, shown, parsed and serialised by its
//! `name()`, so flags, JSON, `dockgen.toml` and the JSON schema all use the registry's names.

/// Defines `pub struct $handle(pub &'static dyn $spec)` over the registry `$all` (a `static` slice of
/// handles), with `ALL`, `as_str`, `Deref` to the spec, and the by-name trait impls. `$spec` must have a
/// `fn name(&self) -> &'static str`.
#[macro_export]
macro_rules! registry_handle {
    ($(#[$m:meta])* $handle:ident, $spec:ident, $all:ident, $description:literal) => {
        $(#[$m])*
        #[derive(Clone, Copy)]
        pub struct $handle(pub &'static dyn $spec);

        impl $handle {
            /// The registered entries.
            pub const ALL: &'static [$handle] = $all;

            /// The name in flags, JSON and dockgen.toml.
            pub fn as_str(self) -> &'static str {
                self.0.name()
            }
        }

        impl std::ops::Deref for $handle {
            type Target = dyn $spec;
            fn deref(&self) -> &Self::Target {
                self.0
            }
        }

        impl PartialEq for $handle {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }
        impl Eq for $handle {}
        impl std::hash::Hash for $handle {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }
        impl PartialOrd for $handle {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for $handle {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl std::fmt::Debug for $handle {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($handle), self.as_str())
            }
        }

        impl std::fmt::Display for $handle {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $handle {
            type Err = String;
            fn from_str(s: &str) -> std::result::Result<Self, String> {
                $crate::base::lookup::by_name($all, s, |h| h.as_str())
            }
        }

        impl serde::Serialize for $handle {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $handle {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl schemars::JsonSchema for $handle {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($handle).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let names: Vec<&str> = $all.iter().map(|h| h.as_str()).collect();
                schemars::json_schema!({ "type": "string", "enum": names, "description": $description })
            }
        }
    };
}
