#!/usr/bin/env bash
# Installs what zra-sync needs to build and test on Debian 12, and only what is missing.
# Used by `make demo` and `make test`; safe to run again.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libcpprest-dev libboost-system-dev libssl-dev
  nlohmann-json3-dev libyaml-cpp-dev libsqlite3-dev libcli11-dev libhowardhinnant-date-dev libxxhash-dev
  unixodbc unixodbc-dev libsqliteodbc odbc-postgresql postgresql sqlite3 tzdata
  libgoogle-perftools-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  python3 python3-yaml python3-jsonschema miller curl jq procps time systemd util-linux
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "zra-sync: installing missing packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "zra-sync: these Debian packages are missing and installing them needs root:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
