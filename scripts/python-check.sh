#!/usr/bin/env bash
# The Python package: lints its crate, builds its wheel with maturin, installs
# it in a fresh virtual environment, and type-checks the package and runs the
# pytest suite there (not in the source tree). The wheel is built with the
# `wheel` profile (Cargo.toml): quick to build from scratch, where `release`
# takes minutes more.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
maturin_version=1.16.0
pytest_version=9.2.0
mypy_version=2.4.1

cargo clippy --locked -p idplint-python -- -D warnings

tools="$root/target/python-tools"
if [ "$("$tools/bin/maturin" --version 2>/dev/null)" != "maturin $maturin_version" ]; then
  rm -rf "$tools"
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet "maturin==$maturin_version"
fi

wheels="$root/target/wheels"
rm -rf "$wheels"
start=$(date +%s)
"$tools/bin/maturin" build --locked --profile wheel --strip --quiet \
  -m python/Cargo.toml -i "$tools/bin/python" --out "$wheels"
echo "python: wheel built in $(( $(date +%s) - start )) s (cargo profile wheel)"

venv="$root/target/python-test-venv"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet "$wheels"/idplint-*.whl "pytest==$pytest_version" "mypy==$mypy_version"
# Run from elsewhere, so that `import idplint` can only find the installed wheel.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
installed=$("$venv/bin/python" -c 'import idplint; print(idplint.__file__)')
case "$installed" in
  "$venv"/*) echo "python: testing the installed package $installed" ;;
  *) echo "error: idplint was imported from $installed, not from the wheel" >&2; exit 1 ;;
esac
# The package is typed: its code and stub pass mypy's strict mode as installed.
"$venv/bin/python" -m mypy --strict --no-incremental -p idplint
"$venv/bin/python" -m pytest -p no:cacheprovider --import-mode=importlib "$root/python/tests"
