# Sourced by ./mvnw, ./wirelab and .ci/run: point JAVA_HOME at a JDK 25 or newer.
# The machine's default `java` may be older (Debian 12 ships 17), which cannot build
# or run --release 25 code, so we look for a newer JDK before giving up.

wirelab_jdk_major() {
  # Prints the feature version of the JDK at $1 (from its `release` file), or nothing.
  [ -f "$1/release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}

wirelab_pick_jdk() {
  _v=""
  if [ -n "${JAVA_HOME:-}" ]; then
    _v=$(wirelab_jdk_major "$JAVA_HOME")
    if [ -n "$_v" ] && [ "$_v" -ge 25 ]; then return 0; fi
  fi
  for _d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -x "$_d/bin/java" ] || continue
    _v=$(wirelab_jdk_major "$_d")
    if [ -n "$_v" ] && [ "$_v" -ge 25 ]; then
      JAVA_HOME=$_d
      export JAVA_HOME
      return 0
    fi
  done
  if command -v java >/dev/null 2>&1; then
    _d=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    _v=$(wirelab_jdk_major "$_d")
    if [ -n "$_v" ] && [ "$_v" -ge 25 ]; then
      JAVA_HOME=$_d
      export JAVA_HOME
      return 0
    fi
  fi
  cat >&2 <<'MSG'
wirelab: no JDK 25 found.
  Looked at $JAVA_HOME, /usr/lib/jvm/* and the `java` on PATH; each was missing or older than 25.
  Install one, for example Eclipse Temurin 25 (https://adoptium.net, Debian/Ubuntu package
  temurin-25-jdk from packages.adoptium.net), then either leave it under /usr/lib/jvm or run:
    export JAVA_HOME=/path/to/jdk-25
MSG
  return 1
}

# mvnw runs with `set -f`; globbing /usr/lib/jvm/* needs it off for the search.
case $- in *f*) set +f; wirelab_pick_jdk || exit 1; set -f ;; *) wirelab_pick_jdk || exit 1 ;; esac
