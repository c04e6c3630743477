#!/usr/bin/env bash
# The RUN steps of deploy/Dockerfile, as one script so that CI (which has no Docker engine) runs exactly
# what the image build runs. The package lists live here and only here.
#
#   docker-build-steps.sh build-deps                  install the build packages (root, apt)
#   docker-build-steps.sh build SRC BUILD             configure (Release, no tests, no benchmarks) and build
#   docker-build-steps.sh install BUILD PREFIX [DESTDIR]   cmake --install (stripped) into DESTDIR/PREFIX
#   docker-build-steps.sh runtime-deps                install ONLY the runtime packages (root, apt)
#   docker-build-steps.sh create-user                 the non-root user zra-sync (uid/gid 10001), /config, /state
#   docker-build-steps.sh check-runtime PREFIX        every runtime package is known to dpkg or apt; every shared
#                                                     library of PREFIX/bin/zra-sync and its plugins resolves and
#                                                     belongs to a runtime package or one of its dependencies;
#                                                     `zra-sync --version` runs
#   docker-build-steps.sh packages build|runtime      print a package list, one per line
#   docker-build-steps.sh ci SRC PREFIX               build (or reuse $ZRA_BUILD_DIR) + install + check-runtime
#
# ZRA_BUILD_DIR: an existing, already built build directory. `build` and `ci` then reuse it instead of
# configuring and compiling again (CI already built everything).
set -euo pipefail

# What compiling needs: the dev packages of cmake/install-deps.sh minus the test and benchmark ones.
BUILD_PACKAGES=(
  build-essential cmake pkg-config ca-certificates
  libcpprest-dev libboost-system-dev libssl-dev
  nlohmann-json3-dev libyaml-cpp-dev libsqlite3-dev libcli11-dev libhowardhinnant-date-dev
  unixodbc-dev libgoogle-perftools-dev libxxhash-dev
)

# What running needs, and nothing else: the shared libraries zra-sync and its built-in plugins link,
# the ODBC drivers the odbc plugin is documented with, CA certificates for TLS and the tz database.
RUNTIME_PACKAGES=(
  ca-certificates tzdata
  libcpprest2.10 libssl3 libtcmalloc-minimal4
  libyaml-cpp0.7 libsqlite3-0 libdate-tz3 libxxhash0
  libodbc2 libodbcinst2 unixodbc-common libsqliteodbc odbc-postgresql
)

ZRA_UID=10001

die() { echo "docker-build-steps: $*" >&2; exit 1; }

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@"
  rm -rf /var/lib/apt/lists/*
}

step_build() {
  local src=${1:?build needs SRC} build=${2:?build needs BUILD}
  if [[ -n ${ZRA_BUILD_DIR:-} ]]; then
    [[ -f $ZRA_BUILD_DIR/CMakeCache.txt ]] || die "ZRA_BUILD_DIR=$ZRA_BUILD_DIR is not a CMake build directory"
    [[ -x $ZRA_BUILD_DIR/bin/zra-sync ]] || die "ZRA_BUILD_DIR=$ZRA_BUILD_DIR has no bin/zra-sync; build it first"
    echo "docker-build-steps: reusing the build in $ZRA_BUILD_DIR"
    return 0
  fi
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DZRA_BUILD_TESTS=OFF -DZRA_BUILD_BENCH=OFF
  cmake --build "$build" -j "$(nproc)"
}

step_install() {
  local build=${1:?install needs BUILD} prefix=${2:?install needs PREFIX} destdir=${3:-}
  if [[ -n $destdir ]]; then
    DESTDIR=$destdir cmake --install "$build" --prefix "$prefix" --strip
  else
    cmake --install "$build" --prefix "$prefix" --strip
  fi
}

step_create_user() {
  groupadd --system --gid "$ZRA_UID" zra-sync
  useradd --system --uid "$ZRA_UID" --gid "$ZRA_UID" --home-dir /state --no-create-home \
    --shell /usr/sbin/nologin zra-sync
  install -d -m 0755 /config
  install -d -m 0750 -o "$ZRA_UID" -g "$ZRA_UID" /state
}

# A package is known if dpkg has it installed or, failing that, apt's index has it.
package_known() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" && return 0
  apt-cache show "$1" >/dev/null 2>&1
}

# The runtime packages plus everything they depend on (installed packages only; alternatives included).
dependency_closure() {
  local -A seen=()
  local queue=("$@") p deps d
  while ((${#queue[@]})); do
    p=${queue[0]}
    queue=("${queue[@]:1}")
    [[ -n ${seen[$p]:-} ]] && continue
    seen[$p]=1
    deps=$(dpkg-query -W -f='${Pre-Depends},${Depends}' "$p" 2>/dev/null) || continue
    for d in $(tr ',|' '\n\n' <<<"$deps" | sed -E 's/\(.*\)//; s/:[a-z0-9]+//; s/[[:space:]]//g'); do
      [[ -n $d ]] && queue+=("$d")
    done
  done
  printf '%s\n' "${!seen[@]}"
}

# The Debian package owning a file; merged /usr means dpkg may know it under /lib or /usr/lib.
owner_of() {
  local path=$1 alt out
  case $path in
    /usr/lib/*) alt=${path#/usr} ;;
    /lib/*) alt=/usr$path ;;
    *) alt=$path ;;
  esac
  for candidate in "$path" "$alt" "$(readlink -f "$path")"; do
    if out=$(dpkg-query -S "$candidate" 2>/dev/null); then
      echo "${out%%:*}"
      return 0
    fi
  done
  return 1
}

step_check_runtime() {
  local prefix=${1:?check-runtime needs PREFIX} failed=0 p
  local exe=$prefix/bin/zra-sync
  [[ -x $exe ]] || die "$exe is missing or not executable"

  for p in "${RUNTIME_PACKAGES[@]}"; do
    if ! package_known "$p"; then
      echo "docker-build-steps: runtime package '$p' is neither installed nor in the apt index" >&2
      failed=1
    fi
  done

  local -A allowed=()
  while read -r p; do allowed[$p]=1; done < <(dependency_closure "${RUNTIME_PACKAGES[@]}")

  local -a binaries=("$exe")
  local plugin_dir
  for plugin_dir in "$prefix"/lib/zra-sync/plugins "$prefix"/lib/*/zra-sync/plugins; do
    [[ -d $plugin_dir ]] && binaries+=("$plugin_dir"/*.so)
  done
  local bin line lib path pkg
  for bin in "${binaries[@]}"; do
    [[ -f $bin ]] || continue
    while read -r line; do
      if [[ $line == *"not found"* ]]; then
        echo "docker-build-steps: $bin: ${line%% *} not found" >&2
        failed=1
        continue
      fi
      [[ $line == *" => /"* ]] || continue
      lib=${line%% *}
      path=${line#* => }
      path=${path%% (*}
      [[ $path == "$prefix"/* ]] && continue
      if ! pkg=$(owner_of "$path"); then
        echo "docker-build-steps: $bin: $lib ($path) belongs to no Debian package" >&2
        failed=1
      elif [[ -z ${allowed[$pkg]:-} ]]; then
        echo "docker-build-steps: $bin: $lib comes from '$pkg', which no runtime package brings; add it to RUNTIME_PACKAGES" >&2
        failed=1
      fi
    done < <(ldd "$bin")
  done

  local version
  if ! version=$("$exe" --version 2>&1); then
    echo "docker-build-steps: $exe --version failed: $version" >&2
    failed=1
  elif [[ ! $version =~ ^zra-sync\ [0-9]+\.[0-9]+\.[0-9]+ ]]; then
    echo "docker-build-steps: $exe --version printed '${version%%$'\n'*}', not 'zra-sync X.Y.Z'" >&2
    failed=1
  fi
  ((failed == 0)) || die "the runtime check of $prefix failed"
  echo "docker-build-steps: runtime OK: $version, ${#binaries[@]} binaries checked"
}

main() {
  local step=${1:-}
  shift || true
  case $step in
    build-deps) apt_install "${BUILD_PACKAGES[@]}" ;;
    build) step_build "$@" ;;
    install) step_install "$@" ;;
    runtime-deps) apt_install "${RUNTIME_PACKAGES[@]}" ;;
    create-user) step_create_user ;;
    check-runtime) step_check_runtime "$@" ;;
    packages)
      case ${1:-} in
        build) printf '%s\n' "${BUILD_PACKAGES[@]}" ;;
        runtime) printf '%s\n' "${RUNTIME_PACKAGES[@]}" ;;
        *) die "packages needs 'build' or 'runtime'" ;;
      esac ;;
    ci)
      local src=${1:?ci needs SRC} prefix=${2:?ci needs PREFIX}
      local build=${ZRA_BUILD_DIR:-$src/build-docker}
      local p missing=0
      for p in "${BUILD_PACKAGES[@]}"; do
        package_known "$p" || { echo "docker-build-steps: build package '$p' is neither installed nor in the apt index" >&2; missing=1; }
      done
      ((missing == 0)) || die "unknown build packages"
      step_build "$src" "$build"
      step_install "$build" "$prefix"
      step_check_runtime "$prefix" ;;
    *) sed -n '2,18p' "$0" >&2; die "unknown step '${step}'" ;;
  esac
}

main "$@"
