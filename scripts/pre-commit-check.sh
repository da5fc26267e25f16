#!/usr/bin/env bash
# Proves the README's pre-commit snippet, as written, with the real pre-commit: on a
# scratch repository that holds a web app (tsconfig.json with comments,
# .vscode/settings.json, package.json) beside payloads and a runbook, the hook passes on the
# clean tree, fails on a staged defect, and passes once a [[suppress]] entry in idplint.toml
# accepts that finding (file, code, pointer, reason). Also validates .pre-commit-hooks.yaml,
# the manifest for remote use.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/target/pre-commit-venv"
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pre-commit
fi
pre_commit="$venv/bin/pre-commit"
export PRE_COMMIT_HOME="$root/target/pre-commit-home"

echo "installing idplint as the README says (cargo install, release profile):"
start=$(date +%s)
cargo install --locked --quiet --path "$root" --root "$root/target/pre-commit-bin"
echo "  built and installed in $(( $(date +%s) - start )) s"
export PATH="$root/target/pre-commit-bin/bin:$PATH"

"$pre_commit" validate-manifest "$root/.pre-commit-hooks.yaml"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q
git config user.email ci@example.invalid
git config user.name CI
# The README's snippet, exactly as written there.
python3 - "$root/README.md" > .pre-commit-config.yaml <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
section = text.split("\n## pre-commit\n", 1)[1]
print(re.search(r"```yaml\n(.*?)```", section, re.S).group(1), end="")
PY
"$pre_commit" validate-config .pre-commit-config.yaml

mkdir -p web/src .vscode idp/qlik idp/ionos docs
cat > web/tsconfig.json <<'JSON'
{
  // Visit https://aka.ms/tsconfig to read more about this file
  "compilerOptions": {
    /* Language and Environment */
    "target": "es2022",
    "module": "commonjs",
    "strict": true,
  },
  "include": ["src"],
}
JSON
cat > .vscode/settings.json <<'JSON'
{
    // Format on save, but not the payloads
    "editor.formatOnSave": true,
    "files.exclude": {
        "**/.git": true,
    },
}
JSON
printf '{\n  "name": "web-app",\n  "version": "1.0.0",\n  "private": true\n}\n' > package.json
cp "$root/testdata/qlik/create/valid-okta-oidc-pending.json" idp/qlik/okta.json
cp "$root/testdata/ionos/create/valid-oidc.json" idp/ionos/keycloak.json
printf '# Web app\n\n```sh\nnpm install\n```\n' > README.md
git add -A
git commit -qm "web app and identity providers"

echo "pre-commit run --all-files on the clean tree (must pass):"
"$pre_commit" run --all-files

echo "pre-commit run on a staged defect (must fail):"
python3 - idp/qlik/okta.json <<'PY'
import json, sys
path = sys.argv[1]
body = json.load(open(path))
options = body.get("options") or body["pendingOptions"]
options["idTokenSignatureAlg"] = "HS256"
open(path, "w").write(json.dumps(body, indent=2) + "\n")
PY
git add idp/qlik/okta.json
if "$pre_commit" run; then
  echo "error: the hook passed on a staged payload with an unsupported algorithm" >&2
  exit 1
fi

echo "pre-commit run with the finding suppressed in idplint.toml (must pass):"
cat > idplint.toml <<'TOML'
[[suppress]]
path = "idp/qlik/okta.json"
code = "IDP111"
pointer = "/pendingOptions/idTokenSignatureAlg"
reason = "the staging IdP signs with HS256 until its key rotation"
TOML
git add idplint.toml idp/qlik/okta.json
"$pre_commit" run
echo "pre-commit hook: passes on a clean tree with JSONC and package.json, fails on a staged defect, passes with that finding suppressed"
