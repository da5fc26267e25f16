#!/usr/bin/env bash
# Proves the pre-commit hook with the real tool: `pre-commit try-repo` against this
# checkout must pass on good payloads (and on JSON or Markdown that holds no payload) and fail
# on bad ones, in a .json file or in a runbook's curl command.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/target/pre-commit-venv"
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pre-commit
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# try-repo runs on the files of a git repository: lay out a small one.
git -C "$work" init -q
cp testdata/qlik/create/valid-okta-oidc-non-interactive.json "$work/good-okta.json" 2>/dev/null \
  || cp "$(ls testdata/qlik/create/valid-*.json | head -n 1)" "$work/good-okta.json"
cp "$(ls testdata/ionos/create/valid-*.json 2>/dev/null | head -n 1 || ls testdata/qlik/create/valid-*.json | tail -n 1)" "$work/good-2.json"
printf '{"name": "web-app", "version": "1.0.0", "private": true}\n' > "$work/package.json"
cp testdata/qlik/create/seed000-jwt.json "$work/bad-jwt.json"
printf '# Web app\n\n```sh\nnpm install\n```\n' > "$work/README.md"
cp testdata/docs/qlik-create-identity-providers.md "$work/bad-runbook.md"
git -C "$work" add -A
export PRE_COMMIT_HOME="$root/target/pre-commit-home"
cd "$work"
echo "pre-commit try-repo on good payloads and a package.json (must pass):"
"$venv/bin/pre-commit" try-repo "$root" idplint --files good-okta.json good-2.json package.json README.md
echo "pre-commit try-repo on a bad payload (must fail):"
if "$venv/bin/pre-commit" try-repo "$root" idplint --files bad-jwt.json; then
  echo "error: the hook passed on a payload with a truncated certificate" >&2
  exit 1
fi
echo "pre-commit try-repo on a runbook with a bad curl body (must fail):"
if "$venv/bin/pre-commit" try-repo "$root" idplint --files bad-runbook.md; then
  echo "error: the hook passed on a runbook whose curl body has a truncated certificate" >&2
  exit 1
fi
echo "pre-commit hook: passes on good payloads, fails on bad ones, in .json files and runbooks"
