#!/usr/bin/env bash
# The dependency tree (the linter's and the Python package's) must hold no
# HTTP, TLS or socket crate: idplint never touches the network. Prints the
# check's evidence and fails on a banned crate.
set -euo pipefail
cd "$(dirname "$0")/.."
banned='^(reqwest|hyper|hyper-util|h2|http|http-body|rustls|rustls-pki-types|native-tls|openssl|openssl-sys|tokio|mio|socket2|curl|curl-sys|isahc|ureq|surf|async-std|attohttpc|ring|aws-lc-rs|aws-lc-sys|webpki|webpki-roots|tungstenite|quinn)$'
tree=$(cargo tree --locked --workspace --edges normal,build --prefix none --target all | sed 's/ (\*)//' | awk '{print $1}' | sort -u)
count=$(printf '%s\n' "$tree" | wc -l)
found=$(printf '%s\n' "$tree" | grep -E "$banned" || true)
if [ -n "$found" ]; then
  echo "network crates in the dependency tree:" >&2
  printf '  %s\n' $found >&2
  exit 1
fi
echo "offline: $count crates in the normal and build dependency tree, none of them an HTTP, TLS or socket crate"
