//! The crate's own architecture, as the contributor guide describes it: the modules form no cycle and
//! `base` is a leaf, functions stay short, and the docs point only at files of this repository.

use std::collections::{BTreeMap, BTreeSet};

/// Top-level modules of src/ and the crate modules each refers to (comments and tests left out).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, code) in crate::support::src_code() {
        let top = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if ["bin", "lib"].contains(&top.as_str()) {
            continue;
        }
        let deps = graph.entry(top.clone()).or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for part in line.split("crate::").skip(1) {
                let m: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !m.is_empty() && m != top {
                    deps.insert(m);
                }
            }
        }
    }
    graph
}

#[test]
fn the_modules_form_no_cycle_and_base_is_a_leaf() {
    let graph = module_graph();
    assert!(graph["base"].is_empty(), "base imports {:?}", graph["base"]);
    // Depth-first search for a back edge.
    fn visit(
        m: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(i) = path.iter().position(|p| p == m) {
            panic!("module cycle: {} -> {m}", path[i..].join(" -> "));
        }
        if !done.insert(m.to_string()) {
            return;
        }
        path.push(m.to_string());
        for d in g.get(m).into_iter().flatten() {
            visit(d, g, path, done);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
    for registry in ["framework", "manager", "queue"] {
        for stage in ["detect", "plan", "init", "output"] {
            assert!(
                !graph[registry].contains(stage),
                "{registry} must not depend on {stage}, which calls it"
            );
        }
    }
}

/// The longest a function in `src/` may be, unless a `//` comment just above it (among its doc
/// comments and attributes) says why it is "longer than 60 lines".
const LIMIT: usize = 60;

/// Functions allowed over [`LIMIT`] without that comment, each with the reason.
const LONG_FUNCTIONS: &[(&str, &str)] = &[];

/// Whether the lines just above line `i` (doc comments, comments, attributes) say why the function
/// there is longer than the limit.
fn says_why_it_is_long(lines: &[&str], i: usize) -> bool {
    lines[..i]
        .iter()
        .rev()
        .map(|l| l.trim_start())
        .take_while(|t| t.starts_with("//") || t.starts_with("#["))
        .any(|t| t.starts_with("// ") && t.to_ascii_lowercase().contains("longer than 60 lines"))
}

/// The name of the function whose definition starts on `line`, whatever its visibility (`pub`,
/// `pub(crate)`, `pub(in path)`) and qualifiers (`const`, `async`, `unsafe`); `None` for any other line,
/// a declaration without a body (`fn x();`) included.
fn fn_name(line: &str) -> Option<String> {
    let mut t = line.trim_start();
    if let Some(rest) = t.strip_prefix("pub") {
        t = match rest.strip_prefix('(') {
            Some(inner) => inner.split_once(')')?.1,
            None => rest,
        }
        .trim_start();
    }
    for q in ["const ", "async ", "unsafe "] {
        t = t.strip_prefix(q).unwrap_or(t);
    }
    let rest = t.strip_prefix("fn ")?;
    if line.trim_end().ends_with(';') {
        return None;
    }
    Some(
        rest.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect(),
    )
}

#[test]
fn the_length_rule_sees_every_kind_of_function() {
    for (line, name) in [
        ("fn plan(p: &Project) -> Plan {", "plan"),
        ("    pub fn as_str(self) -> &'static str {", "as_str"),
        ("pub(super) fn collect(", "collect"),
        ("pub(crate) const fn row(package: &str) -> Row {", "row"),
        ("pub(in crate::detect) async fn fetch() {", "fetch"),
        ("    unsafe fn raw() {", "raw"),
        (
            "const fn server(package: &'static str, s: Server) -> PackageFacts {",
            "server",
        ),
    ] {
        assert_eq!(fn_name(line).as_deref(), Some(name), "{line}");
    }
    for line in [
        "    fn name(&self) -> &'static str;",
        "// fn commented() {",
        "let f = |x| x;",
        "pub struct Fn {",
        "fnord();",
    ] {
        assert_eq!(fn_name(line), None, "{line}");
    }
}

#[test]
fn no_function_is_over_60_lines_without_saying_why() {
    let mut long = Vec::new();
    for (rel, code) in crate::support::src_code() {
        let lines: Vec<&str> = code.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i];
            let t = l.trim_start();
            if let Some(name) = fn_name(l) {
                let indent = l.len() - t.len();
                let close = format!("{}}}", " ".repeat(indent));
                let end = (i + 1..lines.len())
                    .find(|&j| lines[j] == close)
                    .unwrap_or(i);
                if end - i + 1 > LIMIT
                    && !says_why_it_is_long(&lines, i)
                    && !LONG_FUNCTIONS
                        .iter()
                        .any(|(f, _)| *f == format!("{rel}::{name}"))
                {
                    long.push(format!("{rel}::{name} ({} lines)", end - i + 1));
                }
                i = end;
            }
            i += 1;
        }
    }
    assert!(long.is_empty(), "split these into named steps: {long:?}");
}

/// The user and contributor docs point only at files of this repository: every relative Markdown link
/// and every backticked repository path (`tests/e2e/bench.sh`) exists, and no path of the machine the
/// docs were written on (`/work/...`, `/tmp/dockgen-...`) appears.
#[test]
fn docs_refer_only_to_files_in_the_repository() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = vec![root.join("README.md"), root.join("CONTRIBUTING.md")];
    for e in std::fs::read_dir(root.join("docs")).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "md") {
            docs.push(e.path());
        }
    }
    let mut wrong = Vec::new();
    for doc in &docs {
        let text = std::fs::read_to_string(doc).unwrap();
        let name = doc.strip_prefix(root).unwrap().display().to_string();
        for bad in ["/work/", "/tmp/dockgen"] {
            if text.contains(bad) {
                wrong.push(format!("{name}: mentions `{bad}`"));
            }
        }
        for link in text.split("](").skip(1) {
            let target = link.split(')').next().unwrap_or_default();
            let target = target.split('#').next().unwrap_or_default();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            if !doc.parent().unwrap().join(target).exists() {
                wrong.push(format!("{name}: link to missing `{target}`"));
            }
        }
        for (i, span) in text.split('`').enumerate() {
            let repo_path = [
                "tests/",
                "scripts/",
                "docs/",
                "snapshots/",
                "templates/",
                ".ci/",
            ]
            .iter()
            .any(|p| span.starts_with(p));
            let placeholder = span.contains(['<', '*', '$', '{', ' ']);
            if i % 2 == 1 && repo_path && !placeholder && !root.join(span).exists() {
                wrong.push(format!("{name}: `{span}` is not in the repository"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
