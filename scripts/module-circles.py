#!/usr/bin/env python3
"""Module graph of src/ from `crate::` and `super::` paths (use lines and
inline paths, test code included); prints every import circle. rules/ is split
into the registry (rules/mod.rs), rules::support (rules/support/*) and the
rule files (one node: rules::<rule files>)."""
import os, re, sys, collections
root = sys.argv[1] if len(sys.argv) > 1 else "src"
# what lib.rs re-exports at the crate root, and the macro, by their modules
ROOT = {"Kind": "kind", "Severity": "rule_meta", "Finding": "diagnostic", "Anchor": "diagnostic",
        "Diagnostic": "diagnostic", "Label": "diagnostic", "Span": "diagnostic", "Target": "diagnostic",
        "Linter": "linter", "Options": "linter", "SourceOptions": "linter", "FileReport": "linter",
        "IonosName": "cross_file", "RequestRef": "diagnostic", "BodyFile": "linter", "Override": "linter", "Report": "render", "Summary": "render",
        "declare_rule": "rule_meta", "rule": "catalogue", "RuleInfo": "catalogue",
        "Config": "configuration", "ConfigError": "configuration", "Container": "container", "Dialect": "container",
        "Applicability": "diagnostic", "Edit": "diagnostic", "Fix": "diagnostic", "Protocol": "facts",
        "fix_text": "fix", "FixMode": "fix", "Fixed": "fix", "render_with": "render",
        "Format": "render", "RenderOptions": "render", "editor_schema": "schema", "Position": "source",
        "MAX_INPUT_BYTES": "source"}
def node_of(parts):
    # parts: module path below the crate root
    if not parts: return None
    if parts[0] in ROOT: return ROOT[parts[0]]
    if parts[0] == "rules":
        if len(parts) == 1: return "rules(registry)"
        if parts[1] == "support": return "rules::support"
        return "rules::<rule files>"
    return parts[0]
def file_module(path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] == "mod": rel = rel[:-1]
    return rel
rule_files = {f[:-3] for f in os.listdir(os.path.join(root, "rules")) if f.endswith(".rs") and f != "mod.rs"}
edges = collections.defaultdict(set)
for dirpath, _, files in os.walk(root):
    for f in files:
        if not f.endswith(".rs"): continue
        path = os.path.join(dirpath, f)
        mod = file_module(path)
        if mod[0] in ("main", "cli"): continue  # the binary crate
        src = node_of(mod)
        text = open(path).read()
        for m in re.finditer(r"\bcrate::((?:[A-Za-z_]\w*::)*[A-Za-z_]\w*)", text):
            parts = m.group(1).split("::")
            if parts[0] == "rules" and len(parts) > 1 and parts[1] not in rule_files and parts[1] != "support":
                parts = ["rules"]  # an item of the registry (ALL, find, or a re-export)
            dst = node_of(parts[:2])
            if dst and dst != src: edges[src].add(dst)
        # super:: paths, resolved against the file's module (a file's `mod tests` counts as the file)
        for m in re.finditer(r"\b((?:super::)+)((?:\{[^}]*\}|[A-Za-z_]\w*)(?:::[A-Za-z_{][\w{}, :]*)?)", text):
            ups = m.group(1).count("super::")
            in_tests = text.rfind("mod tests", 0, m.start()) != -1
            base = mod[:] if not f == "mod.rs" else mod[:]
            if in_tests: ups -= 1
            target = base[:len(base) - ups] if ups > 0 else base
            first = re.split(r"[:{},\s]", m.group(2))[0]
            names = [first] if first else re.findall(r"\w+", m.group(2))
            for name in names:
                parts = target + [name]
                if parts[0] == "rules" and len(parts) > 1 and parts[1] not in rule_files and parts[1] != "support":
                    parts = ["rules"]
                dst = node_of(parts[:2]) if parts else None
                if dst and dst != src: edges[src].add(dst)
# the registry lists every rule (`pub mod x;` and ALL name them without a path)
edges["rules(registry)"].add("rules::<rule files>")
# Tarjan SCC
index, low, stack, on, sccs, i = {}, {}, [], set(), [], [0]
def strong(v):
    index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index: strong(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        sccs.append(comp)
for v in list(edges):
    if v not in index: strong(v)
watch = sys.argv[2:] or None
for v in sorted(edges):
    print(f"{v:22} -> {', '.join(sorted(edges[v]))}")
circles = [sorted(c) for c in sccs if len(c) > 1]
print("\ncircles:", circles or "none")
sys.exit(1 if circles else 0)
