#!/usr/bin/env python3
"""The library's public API, one line per public path, checked against api/public-api.txt.

    scripts/public-api.py            # exit 1 with a diff when the API changed
    scripts/public-api.py --bless    # rewrite api/public-api.txt

Builds the rustdoc JSON of the library without the command line
(`cargo rustdoc --lib --no-default-features`, on stable with
RUSTC_BOOTSTRAP=1) and walks it from the crate root: modules, re-exports,
structs with their public fields, enums with their variants, functions and
methods with their signatures, constants, and the trait implementations
written in the crate. Items hidden from the docs (`#[doc(hidden)]`) are left
out. Standard library only.
"""

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTING = ROOT / "api" / "public-api.txt"
# Implemented by `#[derive(PartialEq)]` beside `PartialEq`: no promise of its own.
DERIVED_MARKERS = {"StructuralPartialEq"}


def rustdoc_json() -> dict:
    env = dict(os.environ, RUSTC_BOOTSTRAP="1", CARGO_TERM_COLOR="never")
    subprocess.run(
        ["cargo", "rustdoc", "--quiet", "--locked", "--lib", "--no-default-features",
         "--", "-Z", "unstable-options", "--output-format", "json"],
        cwd=ROOT, env=env, check=True,
    )
    target = Path(env.get("CARGO_TARGET_DIR", ROOT / "target"))
    return json.loads((target / "doc" / "idplint.json").read_text())


class Api:
    def __init__(self, doc: dict):
        self.index = doc["index"]
        self.paths = doc["paths"]
        self.root = str(doc["root"])
        self.lines: set[str] = set()

    def item(self, id_) -> dict | None:
        return self.index.get(str(id_)) if id_ is not None else None

    @staticmethod
    def hidden(item: dict) -> bool:
        return any("doc(hidden)" in json.dumps(a) for a in item.get("attrs", []))

    @staticmethod
    def public(item: dict) -> bool:
        return item.get("visibility") in ("public", "default")

    # Types and signatures, written as Rust.
    def ty(self, t) -> str:
        if t is None:
            return "()"
        (kind, v), = t.items()
        if kind == "resolved_path":
            name = v.get("path") or v.get("name") or "?"
            if name.split("::")[0] in ("crate", "self", "super"):
                # A path inside the crate as the source wrote it: the item's name says it.
                name = name.rsplit("::", 1)[-1]
            return name + self.args(v.get("args"))
        if kind == "primitive":
            return v
        if kind == "generic":
            return v
        if kind == "borrowed_ref":
            life = (v.get("lifetime") or "") + " " if v.get("lifetime") else ""
            mut = "mut " if v.get("is_mutable") or v.get("mutable") else ""
            return f"&{life}{mut}{self.ty(v['type'])}"
        if kind == "slice":
            return f"[{self.ty(v)}]"
        if kind == "array":
            return f"[{self.ty(v['type'])}; {v['len']}]"
        if kind == "tuple":
            return "(" + ", ".join(self.ty(x) for x in v) + ")"
        if kind == "impl_trait":
            return "impl " + " + ".join(self.bound(b) for b in v)
        if kind == "dyn_trait":
            return "dyn " + " + ".join(self.ty({"resolved_path": t["trait"]}) for t in v["traits"])
        if kind == "raw_pointer":
            return ("*mut " if v.get("is_mutable") else "*const ") + self.ty(v["type"])
        if kind == "qualified_path":
            return f"<{self.ty(v['self_type'])}>::{v['name']}"
        return kind

    def args(self, args) -> str:
        if not args:
            return ""
        if "angle_bracketed" in args:
            parts = []
            for a in args["angle_bracketed"]["args"]:
                (k, v), = a.items()
                parts.append(v if k == "lifetime" else self.ty(v) if k == "type" else str(v))
            for c in args["angle_bracketed"].get("constraints", args["angle_bracketed"].get("bindings", [])):
                binding = c.get("binding", {})
                if "equality" in binding:
                    parts.append(f"{c['name']} = {self.ty(binding['equality'].get('type'))}")
            return "<" + ", ".join(parts) + ">" if parts else ""
        if "parenthesized" in args:
            p = args["parenthesized"]
            out = "(" + ", ".join(self.ty(x) for x in p["inputs"]) + ")"
            return out + (f" -> {self.ty(p['output'])}" if p.get("output") else "")
        return ""

    def bound(self, b) -> str:
        if "trait_bound" in b:
            return self.ty({"resolved_path": b["trait_bound"]["trait"]})
        if "outlives" in b:
            return b["outlives"]
        return "?"

    def signature(self, name: str, f: dict) -> str:
        sig = f.get("sig") or f.get("decl")
        inputs = []
        for arg_name, t in sig["inputs"]:
            if arg_name == "self":
                inputs.append(self.ty(t).replace("Self", "self") if t != {"generic": "Self"} else "self")
            else:
                inputs.append(f"{arg_name}: {self.ty(t)}")
        out = f"fn {name}({', '.join(inputs)})"
        if sig.get("output") is not None:
            out += f" -> {self.ty(sig['output'])}"
        return out

    # The walk.
    def module(self, prefix: str, module: dict):
        for child_id in module["items"]:
            child = self.item(child_id)
            if child is None or not self.public(child) or self.hidden(child):
                continue
            (kind, inner), = child["inner"].items()
            if kind == "use":
                target = self.item(inner.get("id"))
                name = inner["name"]
                if target is None:
                    self.lines.add(f"pub use {prefix}::{name}")
                    continue
                if inner.get("is_glob"):
                    self.module(prefix, target["inner"]["module"])
                    continue
                self.named(f"{prefix}::{name}", name, target)
            else:
                self.named(f"{prefix}::{child['name']}", child["name"], child)

    def named(self, path: str, name: str, item: dict):
        (kind, inner), = item["inner"].items()
        if kind == "module":
            self.lines.add(f"pub mod {path}")
            self.module(path, inner)
        elif kind == "struct":
            self.lines.add(f"pub struct {path}")
            fields = inner["kind"].get("plain", {}).get("fields", []) if isinstance(inner["kind"], dict) else []
            for fid in fields:
                field = self.item(fid)
                if field and self.public(field) and not self.hidden(field):
                    self.lines.add(f"pub {path}::{field['name']}: {self.ty(field['inner']['struct_field'])}")
            self.impls(path, inner.get("impls", []))
        elif kind == "enum":
            self.lines.add(f"pub enum {path}")
            for vid in inner["variants"]:
                variant = self.item(vid)
                v = variant["inner"]["variant"]["kind"]
                shape = ""
                if isinstance(v, dict) and "tuple" in v:
                    shape = "(" + ", ".join(
                        self.ty(self.item(f)["inner"]["struct_field"]) for f in v["tuple"] if f is not None) + ")"
                self.lines.add(f"pub {path}::{variant['name']}{shape}")
            self.impls(path, inner.get("impls", []))
        elif kind == "function":
            self.lines.add(f"pub {self.signature(path, inner)}")
        elif kind == "constant":
            self.lines.add(f"pub const {path}: {self.ty(inner['type'])}")
        elif kind == "trait":
            self.lines.add(f"pub trait {path}")
        elif kind == "type_alias":
            self.lines.add(f"pub type {path} = {self.ty(inner['type'])}")
        else:
            self.lines.add(f"pub {kind} {path}")

    def impls(self, path: str, impl_ids):
        for iid in impl_ids:
            impl = self.item(iid)
            if impl is None:
                continue
            body = impl["inner"]["impl"]
            if body.get("is_synthetic") or body.get("synthetic") or body.get("blanket_impl"):
                continue
            trait = body.get("trait")
            if trait is not None:
                name = trait.get("path") or trait.get("name")
                if name in DERIVED_MARKERS:
                    continue
                self.lines.add(f"impl {name}{self.args(trait.get('args'))} for {path}")
                continue
            for mid in body["items"]:
                member = self.item(mid)
                if member is None or not self.public(member) or self.hidden(member):
                    continue
                (kind, inner), = member["inner"].items()
                if kind == "function":
                    self.lines.add(f"pub {self.signature(path + '::' + member['name'], inner)}")
                elif kind in ("constant", "assoc_const"):
                    self.lines.add(f"pub const {path}::{member['name']}: {self.ty(inner.get('type'))}")

    def listing(self) -> str:
        root = self.index[self.root]
        self.module(root["name"], root["inner"]["module"])
        return "".join(line + "\n" for line in sorted(self.lines))


def main() -> int:
    bless = "--bless" in sys.argv[1:]
    listing = Api(rustdoc_json()).listing()
    current = LISTING.read_text() if LISTING.exists() else ""
    if bless:
        LISTING.parent.mkdir(exist_ok=True)
        LISTING.write_text(listing)
        return 0
    if listing != current:
        sys.stdout.writelines(difflib.unified_diff(
            current.splitlines(keepends=True), listing.splitlines(keepends=True),
            "api/public-api.txt", "the library's public API now"))
        print("\nThe public API changed: if that is meant, run scripts/public-api.py --bless",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
