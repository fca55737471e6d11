#!/usr/bin/env bash
# The mobile binding's tests, on a fresh machine of this kind (Debian 12, JDK 17, node/npm,
# Python 3): installs what it lacks, builds the uniffi cdylib and the generator, generates
# Kotlin, Swift and Python into target/bindings/, runs the uniffi-Python tests, compiles and
# runs the Kotlin tests on the JVM, and checks the Swift sources exist. Idempotent; a re-run
# rebuilds and recompiles only what changed. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
step() { printf '\n==> uniffi: %s\n' "$*"; }

KOTLIN_VERSION=2.4.20
JNA=/usr/share/java/jna.jar
KOTLINC=$root/.tools/kotlinc/bin/kotlinc-jvm
OUT=$root/target/bindings
LIB=$root/target/debug/libfamplan_uniffi.so

step "tools (JNA from Debian, kotlinc $KOTLIN_VERSION from npm, pytest in .venv)"
if [ ! -f "$JNA" ]; then
  apt-get install -y -qq libjna-java >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq libjna-java >/dev/null; }
fi
if [ ! -x "$KOTLINC" ]; then
  mkdir -p .tools
  (cd .tools && rm -rf package kotlinc && npm pack -q "kotlin-compiler@$KOTLIN_VERSION" >/dev/null \
    && tar xzf "kotlin-compiler-$KOTLIN_VERSION.tgz" && mv package kotlinc && rm "kotlin-compiler-$KOTLIN_VERSION.tgz")
  chmod +x .tools/kotlinc/bin/*
fi
# The Python binding's script shares .venv: create it only if absent, add only what is missing.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c 'import pytest' 2>/dev/null || .venv/bin/pip install -q pytest==9.2.0

step "build the cdylib and the generator (debug: the generator reads the unstripped library)"
cargo build --locked -q -p famplan-uniffi
cargo build --locked -q -p uniffi-bindgen

step "Rust unit and doc tests of the binding"
cargo test --locked -q -p famplan-uniffi

step "generate Kotlin, Swift and Python (library mode) into target/bindings/"
for lang in kotlin swift python; do
  tmp=$OUT/.$lang.new
  rm -rf "$tmp"
  target/debug/uniffi-bindgen generate --library "$LIB" -l "$lang" -o "$tmp" --no-format >/dev/null
  # Replace only when the output changed, so that the Kotlin compile below can be skipped.
  if ! diff -rq "$tmp" "$OUT/$lang" >/dev/null 2>&1; then rm -rf "${OUT:?}/$lang"; mv "$tmp" "$OUT/$lang"; else rm -rf "$tmp"; fi
done

step "Python (the generated uniffi bindings, against the debug library)"
cp -p "$LIB" "$OUT/python/"
PYTHONPATH=$OUT/python .venv/bin/python -m pytest -q -p no:cacheprovider bindings/uniffi/tests/python

step "Kotlin on the JVM (JNA, Java 17)"
jar=$root/target/kotlin-tests/famplan-kotlin-tests.jar
sources=("$OUT"/kotlin/org/famplan/*.kt bindings/uniffi/tests/kotlin/*.kt)
stale=0
[ -f "$jar" ] || stale=1
for s in "${sources[@]}"; do [ "$s" -nt "$jar" ] && stale=1; done
if [ $stale = 1 ]; then
  mkdir -p "$(dirname "$jar")"
  "$KOTLINC" -jvm-target 17 -nowarn -cp "$JNA" "${sources[@]}" -d "$jar" 2>&1 | grep -v '^warning: unable to find kotlin-stdlib.jar' || true
  [ -f "$jar" ] && touch "$jar"
fi
java -Djna.library.path="$root/target/debug" \
  -cp "$jar:$JNA:$root/.tools/kotlinc/lib/kotlin-stdlib.jar" org.famplan.tests.MainKt

step "Swift (generated only: no Swift toolchain here)"
for f in Famplan.swift FamplanFFI.h FamplanFFI.modulemap; do
  [ -s "$OUT/swift/$f" ] || { echo "missing $OUT/swift/$f" >&2; exit 1; }
done
grep -q 'class FamplanStore' "$OUT/swift/Famplan.swift" || { echo "Famplan.swift lacks FamplanStore" >&2; exit 1; }
echo "Famplan.swift, FamplanFFI.h, FamplanFFI.modulemap present"
