#!/usr/bin/env python3
"""Turns the runs recorded by scripts/bench.sh into bench/results.md and results.json.

Reads BENCH_* environment variables set by bench.sh and, for every case, the
directory WORK/runs/<case>/ with `command`, `stdout`, `stderr`, `exit`, `rss` (peak
RSS in KiB, GNU time's %M) and `times_us` (one wall-clock time per timed run).
Standard library only.
"""
import json
import os
import platform
import re
import statistics
import time
from collections import Counter, defaultdict

ENV = os.environ
WARNINGS = []
N = int(ENV["BENCH_N"])
RUNS = int(ENV["BENCH_RUNS"])
WORK = ENV["BENCH_WORKDIR"]
CORPUS = ENV["BENCH_CORPUS"]
OUT = ENV["BENCH_OUTDIR"]
CASES = ENV["BENCH_CASES"].split()
NAME_RE = re.compile(r"^(\d+)-(qlik-jwt|qlik-oidc|qlik-patch|ionos-create|ionos-ensure)-(.+)\.json$")


def read(path, default=""):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def short_command(argv):
    """The command as run, with a long list of corpus files shown as a glob and
    paths inside the repository made relative."""
    out = []
    for arg in argv:
        if arg.startswith(CORPUS + "/") and arg.endswith(".json") and len(argv) > 20:
            if out and out[-1] == CORPUS + "/*.json":
                continue
            arg = CORPUS + "/*.json"
        out.append(arg)
    root = ENV.get("BENCH_ROOT", "")
    return [a.replace(root + "/", "") if root else a for a in out]


def case(name):
    d = os.path.join(WORK, "runs", name)
    times = [int(x) / 1e6 for x in read(os.path.join(d, "times_us")).split()]
    rss_lines = [l for l in read(os.path.join(d, "rss")).splitlines() if l.strip().isdigit()]
    exit_code = read(os.path.join(d, "exit")).strip()
    return {
        "command": short_command(read(os.path.join(d, "command")).splitlines()),
        "times_s": times,
        "median_s": statistics.median(times) if times else None,
        "min_s": min(times) if times else None,
        "max_s": max(times) if times else None,
        "peak_rss_kib": int(rss_lines[-1]) if rss_lines else None,
        "exit": int(exit_code) if exit_code.lstrip("-").isdigit() else None,
    }


def machine():
    cpu = "?"
    for line in read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = "?"
    m = re.search(r"MemTotal:\s+(\d+) kB", read("/proc/meminfo"))
    if m:
        mem = "%.1f GiB" % (int(m.group(1)) / 1024 / 1024)
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
    return {
        "nproc": nproc,
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "load_before": ENV.get("BENCH_LOAD_BEFORE", "?"),
        "load_after": ENV.get("BENCH_LOAD_AFTER", "?"),
    }


# --- verdicts: which files each tool flagged --------------------------------------

def idplint_verdicts():
    """basename -> (max severity or None, [codes at warning/error])."""
    try:
        doc = json.loads(read(os.path.join(WORK, "runs", "idplint-json", "stdout")))
    except ValueError:
        return None
    out = {}
    rank = {"info": 0, "warning": 1, "error": 2}
    for f in doc.get("files", []):
        sev = None
        codes = []
        for d in f.get("diagnostics", []):
            s = d.get("severity")
            if sev is None or rank.get(s, -1) > rank.get(sev, -1):
                sev = s
            if s in ("warning", "error"):
                codes.append(d.get("code"))
        if f.get("error"):
            sev = "error"
        out[os.path.basename(f["path"])] = (sev, codes)
    return out


def cjs_failures():
    if "check-jsonschema" not in CASES:
        return None
    try:
        doc = json.loads(read(os.path.join(WORK, "runs", "check-jsonschema", "stdout")))
    except ValueError:
        return None
    failed = set()
    for key in ("errors", "parse_errors"):
        for e in doc.get(key, []) or []:
            if e.get("filename"):
                failed.add(os.path.basename(e["filename"]))
    return failed


def ajv_failures():
    if "ajv" not in CASES:
        return None
    failed, seen = set(), 0
    line_re = re.compile(r"^(\S+\.json) (valid|invalid)$")
    text = read(os.path.join(WORK, "runs", "ajv", "stdout")) + "\n" + read(
        os.path.join(WORK, "runs", "ajv", "stderr"))
    for line in text.splitlines():
        m = line_re.match(line.strip())
        if m and m.group(1).startswith(CORPUS):
            seen += 1
            if m.group(2) == "invalid":
                failed.add(os.path.basename(m.group(1)))
    AJV_SEEN[0] = seen
    return failed if seen else None


AJV_SEEN = [0]


def scoring():
    files = sorted(f for f in os.listdir(CORPUS) if NAME_RE.match(f))
    idp = idplint_verdicts()
    cjs = cjs_failures()
    ajv = ajv_failures()
    tools = {
        "idplint (warning+)": None if idp is None else
        {f for f, (s, _) in idp.items() if s in ("warning", "error")},
        "idplint (error)": None if idp is None else {f for f, (s, _) in idp.items() if s == "error"},
        "check-jsonschema": cjs,
        "ajv-cli": ajv,
    }
    groups = defaultdict(list)
    for f in files:
        _, kind, defect = NAME_RE.match(f).groups()
        groups[(kind, defect)].append(f)
    rows = []
    for (kind, defect), members in sorted(groups.items(), key=lambda kv: (kv[0][1] == "ok", kv[0])):
        row = {"kind": kind, "defect": defect, "files": len(members), "flagged": {}}
        for tool, flagged in tools.items():
            row["flagged"][tool] = None if flagged is None else sum(1 for f in members if f in flagged)
        codes = Counter()
        if idp is not None:
            for f in members:
                codes.update(set(idp.get(f, (None, []))[1]))
        row["idplint_codes"] = dict(codes.most_common())
        rows.append(row)
    totals = {}
    defective = [f for f in files if not f.endswith("-ok.json")]
    clean = [f for f in files if f.endswith("-ok.json")]
    for tool, flagged in tools.items():
        if flagged is None:
            totals[tool] = None
            continue
        found = sum(1 for f in defective if f in flagged)
        fp = sum(1 for f in clean if f in flagged)
        kinds = [r for r in rows if r["defect"] != "ok"]
        totals[tool] = {
            "defective_files": len(defective),
            "found": found,
            "recall": found / len(defective) if defective else None,
            "defect_kinds_fully_found": sum(1 for r in kinds if r["flagged"][tool] == r["files"]),
            "defect_kinds": len(kinds),
            "ok_files": len(clean),
            "false_positives": fp,
        }
    # How many corpus files each tool reported on: a check that the verdicts parsed.
    seen = {
        "idplint": None if idp is None else sum(1 for f in files if f in idp),
        "check-jsonschema": None if cjs is None else len(files),
        "ajv-cli": None if ajv is None else AJV_SEEN[0],
    }
    case_of = {"idplint": "idplint-json", "check-jsonschema": "check-jsonschema", "ajv-cli": "ajv"}
    for tool, count in seen.items():
        if count is None and case_of[tool] in CASES:
            WARNINGS.append("no verdicts could be read from %s's output" % tool)
        elif count is not None and count != len(files):
            WARNINGS.append("%s reported on %d of %d files" % (tool, count, len(files)))
    fp_codes = Counter()
    if idp is not None:
        for f in clean:
            fp_codes.update(set(idp.get(f, (None, []))[1]))
    return rows, totals, dict(fp_codes.most_common())


# --- rendering ---------------------------------------------------------------------

def fmt_s(s):
    if s is None:
        return "–"
    return "%.1f ms" % (s * 1e3) if s < 1 else "%.2f s" % s


def fmt_mb(kib):
    return "–" if kib is None else "%.0f MB" % (kib / 1024)


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def fmt_x(x):
    return "–" if x is None else "%.1f×" % x


def main():
    cases = {name: case(name) for name in CASES}
    med = lambda name: cases[name]["median_s"] if name in cases else None
    rows, totals, fp_codes = scoring()
    big_size = os.path.getsize(ENV["BENCH_BIG"]) if "big-idplint" in cases else None

    ratios = {
        "idplint_json_over_floor": ratio(med("idplint-json"), med("floor")),
        "idplint_human_over_floor": ratio(med("idplint-human"), med("floor")),
        "check_jsonschema_over_idplint": ratio(med("check-jsonschema"), med("idplint-json")),
        "ajv_over_idplint": ratio(med("ajv"), med("idplint-json")),
        "single_check_jsonschema_over_idplint": ratio(med("single-check-jsonschema"), med("single-idplint")),
        "single_ajv_over_idplint": ratio(med("single-ajv"), med("single-idplint")),
        "big_idplint_over_floor": ratio(med("big-idplint"), med("big-floor")),
        "runbooks_idplint_over_floor": ratio(med("runbooks-idplint"), med("runbooks-floor")),
    }
    per_file = {
        "all_rules_us": None if med("idplint-json") is None else med("idplint-json") / N * 1e6,
        "select_idp0_us": None if med("idplint-select-idp0") is None else med("idplint-select-idp0") / N * 1e6,
        "floor_us": None if med("floor") is None else med("floor") / N * 1e6,
    }
    info = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "versions": {
            "idplint": ENV.get("BENCH_IDPLINT_VERSION", ""),
            "rustc": ENV.get("BENCH_RUSTC_VERSION", ""),
            "check-jsonschema": ENV.get("BENCH_CJS_VERSION", ""),
            "ajv": ENV.get("BENCH_AJV_VERSION", ""),
            "node": ENV.get("BENCH_NODE_VERSION", ""),
            "python": ENV.get("BENCH_PYTHON_VERSION", ""),
        },
        "files": N,
        "runs": RUNS,
        "seed": int(ENV.get("BENCH_SEED", "1")),
        "single_file": os.path.basename(ENV["BENCH_SINGLE"]),
        "big_file_bytes": big_size,
        "notes": ENV.get("BENCH_PEER_NOTES", ""),
    }
    results = {**info, "cases": cases, "ratios": ratios, "per_file": per_file,
               "defects": rows, "totals": totals, "idplint_codes_on_ok_files": fp_codes,
               "warnings": WARNINGS}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")

    m = info["machine"]
    v = info["versions"]
    md = []
    w = md.append
    w("# idplint benchmark results\n")
    w("Generated by `scripts/bench.sh %d` on %s. Method: `bench/README.md`." % (N, info["date"]))
    w("")
    w("- Machine: %s CPU(s), %s, %s memory, Linux %s; load average %s before, %s after."
      % (m["nproc"], m["cpu"], m["memory"], m["kernel"], m["load_before"], m["load_after"]))
    w("- Tools: %s; %s; check-jsonschema %s (%s); %s (node %s)." % (
        v["idplint"] or "idplint", v["rustc"], v["check-jsonschema"].split()[-1] if v["check-jsonschema"] else "–",
        v["python"], v["ajv"] or "ajv –", v["node"]))
    w("- Corpus: %d files from `examples/gen_corpus.rs` (seed %d); whole-process wall time, "
      "median of %d runs after one recorded warm-up run (which gives the output, exit code "
      "and peak RSS)." % (N, info["seed"], RUNS))
    if info["notes"]:
        w("- Notes: %s" % info["notes"].strip("; "))
    for warning in WARNINGS:
        w("- **Warning:** %s." % warning)
    w("")
    w("## %d files\n" % N)
    w("| tool | median | min – max | per file | × floor | peak RSS | exit |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    labels = [
        ("floor", "floor (read + serde_json, parallel)"),
        ("idplint-human", "`idplint check DIR`"),
        ("idplint-json", "`idplint check --format json DIR`"),
        ("idplint-select-idp0", "`idplint check --format json --select IDP0 DIR`"),
        ("ajv", "ajv-cli + ajv-formats"),
        ("check-jsonschema", "check-jsonschema"),
    ]
    for name, label in labels:
        c = cases.get(name)
        if not c:
            continue
        w("| %s | %s | %s – %s | %.0f µs | %s | %s | %s |" % (
            label, fmt_s(c["median_s"]), fmt_s(c["min_s"]), fmt_s(c["max_s"]),
            (c["median_s"] or 0) / N * 1e6, fmt_x(ratio(c["median_s"], med("floor"))),
            fmt_mb(c["peak_rss_kib"]), c["exit"]))
    w("")
    w("Cost of the rules: %s per file with every rule, %s with `--select IDP0` (parse, "
      "kind, schema pass and the input rules only), floor %s." % tuple(
          "–" if per_file[k] is None else "%.0f µs" % per_file[k]
          for k in ("all_rules_us", "select_idp0_us", "floor_us")))
    w("")
    w("Peers over idplint (`--format json`): check-jsonschema %s, ajv-cli %s." % (
        fmt_x(ratios["check_jsonschema_over_idplint"]), fmt_x(ratios["ajv_over_idplint"])))
    w("")
    w("## One file (the pre-commit case)\n")
    w("`%s`\n" % info["single_file"])
    w("| tool | median | min – max | peak RSS | × idplint |")
    w("|---|---:|---:|---:|---:|")
    for name, label in [("spawn", "starting a process (`true`): the timer's own floor"),
                        ("single-floor", "floor"), ("single-idplint", "`idplint check FILE`"),
                        ("single-ajv", "ajv-cli + ajv-formats"),
                        ("single-check-jsonschema", "check-jsonschema")]:
        c = cases.get(name)
        if not c:
            continue
        w("| %s | %s | %s – %s | %s | %s |" % (
            label, fmt_s(c["median_s"]), fmt_s(c["min_s"]), fmt_s(c["max_s"]),
            fmt_mb(c["peak_rss_kib"]), fmt_x(ratio(c["median_s"], med("single-idplint")))))
    w("")
    if big_size:
        w("## One big payload\n")
        w("A qlik.patch array of %.0f MB (generated by the script)." % (big_size / 1024 / 1024))
        w("")
        w("| tool | median | min – max | throughput | peak RSS | RSS ÷ file size |")
        w("|---|---:|---:|---:|---:|---:|")
        for name, label in [("big-floor", "floor"), ("big-idplint", "`idplint check --format json FILE`")]:
            c = cases.get(name)
            if not c:
                continue
            tput = "–" if not c["median_s"] else "%.0f MB/s" % (big_size / 1024 / 1024 / c["median_s"])
            times = "–" if not c["peak_rss_kib"] else "%.2f×" % (c["peak_rss_kib"] * 1024 / big_size)
            w("| %s | %s | %s – %s | %s | %s | %s |" % (label, fmt_s(c["median_s"]), fmt_s(c["min_s"]),
                                                      fmt_s(c["max_s"]), tput, fmt_mb(c["peak_rss_kib"]), times))
        w("")
    large = [name for name in cases if name.startswith("large-") or name == "big-idplint"]
    if large:
        w("## Large inputs, every format\n")
        w("The big payload (one line) and an object of a million unknown members (a million "
          "findings), each drawn in every output format: time, peak RSS and output size.")
        w("")
        w("| input | format | median | min – max | peak RSS | output |")
        w("|---|---|---:|---:|---:|---:|")
        for name in sorted(large, key=lambda n: (n.startswith("large-million"), n)):
            c = cases[name]
            what = "million members" if "million" in name else "big payload"
            fmt_name = "json" if name == "big-idplint" else name.rsplit("-", 1)[1]
            try:
                out = os.path.getsize(os.path.join(WORK, "runs", name, "stdout"))
            except OSError:
                out = None
            size = "–" if out is None else ("%.0f MB" % (out / 1e6) if out > 1e6 else "%d B" % out)
            w("| %s | %s | %s | %s – %s | %s | %s |" % (what, fmt_name, fmt_s(c["median_s"]),
                                                       fmt_s(c["min_s"]), fmt_s(c["max_s"]),
                                                       fmt_mb(c["peak_rss_kib"]), size))
        w("")
    if "runbooks-idplint" in cases:
        runbooks = ENV.get("BENCH_RUNBOOKS", "")
        count = len([n for n in os.listdir(runbooks) if n.endswith(".md")]) if runbooks else 0
        payloads = None
        try:
            doc = json.loads(read(os.path.join(WORK, "runs", "runbooks-idplint", "stdout")))
            payloads = sum(f.get("payloads", 0) for f in doc["files"])
        except (OSError, ValueError, KeyError):
            pass
        w("## Containers\n")
        w("%d Markdown runbooks made from the corpus, each body written twice: in a curl "
          "command (single quotes, a quote spliced as `'\\''`) in a `bash` fence, and in a "
          "`json` fence; %s payloads found. The floor reads and parses the same %d payloads "
          "as `.json` files." % (count, "?" if payloads is None else payloads, count))
        w("")
        w("| tool | median | min – max | per runbook | × floor | peak RSS |")
        w("|---|---:|---:|---:|---:|---:|")
        for name, label in [("runbooks-floor", "floor (the payloads as .json)"),
                            ("runbooks-idplint", "`idplint check --format json DIR`")]:
            c = cases.get(name)
            if not c or not count:
                continue
            w("| %s | %s | %s – %s | %.0f µs | %s | %s |" % (
                label, fmt_s(c["median_s"]), fmt_s(c["min_s"]), fmt_s(c["max_s"]),
                (c["median_s"] or 0) / count * 1e6, fmt_x(ratio(c["median_s"], med("runbooks-floor"))),
                fmt_mb(c["peak_rss_kib"])))
        w("")
    w("## Defects found\n")
    w("Files flagged per defect kind (from the file names). idplint counts a file when its "
      "`--format json` report has a diagnostic at warning or error (and, separately, at "
      "error: what fails `idplint check`); a peer counts a file it reports invalid. For "
      "`ok` files every flag is a false positive.\n")
    tools = ["idplint (warning+)", "idplint (error)", "check-jsonschema", "ajv-cli"]
    w("| payload | defect | files | " + " | ".join(tools) + " | idplint codes |")
    w("|---|---|---:|" + "---:|" * len(tools) + "---|")
    for r in rows:
        cells = ["–" if r["flagged"][t] is None else str(r["flagged"][t]) for t in tools]
        codes = ", ".join("%s×%d" % (c, n) for c, n in list(r["idplint_codes"].items())[:4])
        w("| %s | %s | %d | %s | %s |" % (r["kind"], r["defect"], r["files"], " | ".join(cells), codes))
    w("")
    w("| tool | recall (files) | defect kinds fully found | false positives on `ok` files |")
    w("|---|---:|---:|---:|")
    for t in tools:
        s = totals.get(t)
        if not s:
            continue
        w("| %s | %d/%d (%.0f %%) | %d/%d | %d/%d |" % (
            t, s["found"], s["defective_files"], 100 * (s["recall"] or 0),
            s["defect_kinds_fully_found"], s["defect_kinds"], s["false_positives"], s["ok_files"]))
    w("")
    if fp_codes:
        w("idplint codes (warning+) on `ok` files: " +
          ", ".join("%s×%d" % (c, n) for c, n in fp_codes.items()) + ".")
        w("")
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write("\n".join(md))


if __name__ == "__main__":
    main()
