#!/usr/bin/env bash
# test_install: the installed package as a user gets it (docs/api.md). Installs the build
# into a temporary prefix; runs the installed ddpg from another directory (--version, eval on
# the installed models, info) and again after moving the prefix; builds docs/api.md's example
# against the installed package through find_package(ddpg) and through pkg-config and checks
# its output against `ddpg act` and `ddpg eval`; builds a parent project that uses
# add_subdirectory(ddpg). Skipped (77) in sanitizer and fuzz builds, whose library needs the
# sanitizers' runtime in every consumer.
# usage: test_install.sh path/to/build/ddpg
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
BUILD=$(dirname "$BIN")
SRC=$(cd "$(dirname "$0")/.." && pwd)
CKPT=$SRC/tests/data/reacher_64x64.ddpg
if grep -qE '^DDPG_SANITIZE:[A-Z]*=(address|thread)$|^DDPG_FUZZ:BOOL=ON$' "$BUILD/CMakeCache.txt"; then
  echo "test_install: skipped (sanitizer or fuzz build: consumers would need its runtime)"
  exit 77
fi
for tool in cc pkg-config cmake; do
  command -v $tool >/dev/null || { echo "test_install: skipped ($tool missing)"; exit 77; }
done
fail=0
check() { # description, then a command that must succeed
  local what=$1; shift
  if ! "$@"; then echo "FAIL: $what"; fail=1; fi
}
quiet() { "$@" >/dev/null; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset DDPG_MODEL_PATH
P=$tmp/prefix
cmake --install "$BUILD" --prefix "$P" >/dev/null || { echo "FAIL: cmake --install"; exit 1; }
for f in bin/ddpg lib/libddpg.a include/ddpg/ddpg.h include/ddpg/version.h \
         share/ddpg/models/reacher.xml share/ddpg/models/half_cheetah.xml \
         share/ddpg/models/README.md share/man/man1/ddpg.1 \
         share/bash-completion/completions/ddpg lib/cmake/ddpg/ddpgConfig.cmake \
         lib/pkgconfig/ddpg.pc; do
  check "installed $f" test -f "$P/$f"
done
# only the public headers are installed
check "only include/ddpg/{ddpg,version}.h" test "$(find "$P/include" -type f | wc -l)" -eq 2

# the installed archive exports the API's functions only, so a program may use the names
# the library uses inside (env_init, rng_init, ...) for its own
globals=$(nm -g --defined-only "$P/lib/libddpg.a" | awk 'NF == 3 {print $3}' | sort | tr '\n' ' ')
check "libddpg.a exports ddpg_* only (got: $globals)" \
  test -n "$globals" -a -z "$(tr ' ' '\n' <<<"$globals" | grep -v '^ddpg_' | grep -v '^$')"

# the installed binary, from another directory, finds its models through its prefix; and
# again after the prefix moved (nothing of the build machine compiled in)
mkdir -p "$tmp/elsewhere"
run_installed() { # prefix
  (cd "$tmp/elsewhere" && "$1/bin/ddpg" --version) >"$tmp/version" || return 1
  grep -qE '^ddpg [0-9]+\.[0-9]+\.[0-9]+ \(.+\)$' "$tmp/version" || return 1
  (cd "$tmp/elsewhere" && "$1/bin/ddpg" eval --env reacher --episodes 1) >"$tmp/eval" || return 1
  grep -q '^return ' "$tmp/eval"
}
check "installed ddpg runs from another directory" run_installed "$P"
mv "$P" "$tmp/moved"
check "installed ddpg runs after the prefix moved" run_installed "$tmp/moved"
mv "$tmp/moved" "$P"
check "the version is the project's" grep -q "^ddpg $(sed -n 's/^#define DDPG_VERSION_STRING "\(.*\)"/\1/p' "$P/include/ddpg/version.h") (" "$tmp/version"
(cd "$tmp/elsewhere" && "$P/bin/ddpg" info --checkpoint "$CKPT") >"$tmp/info"
check "ddpg info: robot and step" grep -q '^training       step 15000 of 15000' "$tmp/info"
check "ddpg info: configuration" grep -q '^hidden = 64,64$' "$tmp/info"
# outside a git checkout the build's description is "unknown"
mkdir -p "$tmp/notgit"
GIT_CEILING_DIRECTORIES=$tmp cmake -DSRC="$tmp/notgit" -DOUT="$tmp/notgit/build_info.h" \
  -P "$SRC/cmake/build_info.cmake"
check "git description outside git: unknown" grep -q '^#define DDPG_GIT_DESCRIBE "unknown"$' "$tmp/notgit/build_info.h"
# bash completion completes commands and a flag's choices
complete_words() { # words... : COMPREPLY of the completion for the words, the last being completed
  (source "$P/share/bash-completion/completions/ddpg"
   COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_WORDS[0]="$P/bin/ddpg"
   _ddpg; echo "${COMPREPLY[*]}")
}
check "completion: commands" test "$(complete_words ddpg ev)" = "eval"
check "completion: choices" test "$(complete_words ddpg train --preset t)" = "td3"

# docs/api.md's example, built against the installed package two ways
awk '/^```c$/{on=1; next} /^```$/{if (on) exit} on' "$SRC/docs/api.md" >"$tmp/app.c"
check "docs/api.md has the example" grep -q 'ddpg_policy_load' "$tmp/app.c"
mkdir -p "$tmp/cm"
cat >"$tmp/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(app C)
find_package(ddpg 0.9 CONFIG REQUIRED)
add_executable(app ../app.c)
target_compile_options(app PRIVATE -Wall -Wextra -Wpedantic -Werror)
target_link_libraries(app PRIVATE ddpg::ddpg)
CM
if cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$P" >"$tmp/cm.log" 2>&1 &&
   cmake --build "$tmp/cm/build" >>"$tmp/cm.log" 2>&1; then :; else
  echo "FAIL: find_package consumer:"; tail -20 "$tmp/cm.log"; fail=1
fi
export PKG_CONFIG_PATH=$P/lib/pkgconfig
# shellcheck disable=SC2046
check "pkg-config consumer builds" cc -std=c11 -Wall -Wextra -Wpedantic -Werror "$tmp/app.c" \
  $(pkg-config --cflags --libs ddpg) -o "$tmp/app_pc"
MODELS=$(pkg-config --variable=modeldir ddpg)
printf '#include <ddpg/ddpg.h>\n#include <stdio.h>\nint env_init(void);\nint env_init(void) { return 3; }\nint rng_init(void);\nint rng_init(void) { return 4; }\nint main(void) { printf("%%s %%d\\n", ddpg_version(), env_init() + rng_init()); return 0; }\n' >"$tmp/clash.c"
# shellcheck disable=SC2046
check "a program defining env_init and rng_init links libddpg.a" cc -std=c11 -Wall -Werror \
  "$tmp/clash.c" $(pkg-config --cflags --libs ddpg) -o "$tmp/clash"
check "... and runs" test "$("$tmp/clash" | cut -d' ' -f2)" = 7
check "pkg-config modeldir is the installed models" test -f "$MODELS/reacher.xml"
want_act=$(printf '0 0 0 0 0 0 0 0 0 0 0\n' | "$P/bin/ddpg" act --checkpoint "$CKPT")
want_eval=$("$P/bin/ddpg" eval --checkpoint "$CKPT" --episodes 3 --seed 0 |
            sed -n 's/^return *mean \([^ ]*\) .*/\1/p')
for app in "$tmp/cm/build/app" "$tmp/app_pc"; do
  [ -x "$app" ] || continue
  rm -rf "$tmp/run"
  if ! (cd "$tmp/elsewhere" && DDPG_MODEL_PATH=$MODELS "$app" "$CKPT" "$tmp/run") >"$tmp/out" 2>&1; then
    echo "FAIL: $app:"; cat "$tmp/out"; fail=1; continue
  fi
  check "$app: version line" grep -qE '^ddpg [0-9.]+ \(.+\)$' "$tmp/out"
  check "$app: act as ddpg act ($want_act)" grep -qx "reacher 11 -> 2: act(0) = $want_act" "$tmp/out"
  check "$app: evaluate as ddpg eval ($want_eval)" grep -qx "mean return $want_eval over 3 episodes" "$tmp/out"
  check "$app: trained a checkpoint" test -s "$tmp/run/checkpoint.ddpg"
  check "$app: its checkpoint reads" quiet "$P/bin/ddpg" info --checkpoint "$tmp/run/checkpoint.ddpg"
done
# a bad checkpoint comes back as a message, not a crash
printf 'not a checkpoint\n' >"$tmp/bad.ddpg"
if [ -x "$tmp/app_pc" ]; then
  (cd "$tmp" && DDPG_MODEL_PATH=$MODELS "$tmp/app_pc" "$tmp/bad.ddpg" "$tmp/run2") >"$tmp/out" 2>&1
  check "a bad checkpoint: exit 2 and one line" test "$?" -eq 2 -a "$(wc -l <"$tmp/out")" -eq 2
fi

# add_subdirectory(ddpg) from a parent project: configures, builds the library (unoptimized,
# to keep the test short) and links a program to ddpg::ddpg
mkdir -p "$tmp/parent"
cat >"$tmp/parent/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.16)
project(parent C)
add_subdirectory("$SRC" ddpg)
add_executable(app ../app.c)
target_link_libraries(app PRIVATE ddpg::ddpg)
CM
if cmake -S "$tmp/parent" -B "$tmp/parent/build" -DCMAKE_BUILD_TYPE=Debug -DDDPG_MPI=OFF \
     >"$tmp/parent.log" 2>&1 &&
   cmake --build "$tmp/parent/build" --target app -j2 >>"$tmp/parent.log" 2>&1; then
  check "add_subdirectory: the app runs" \
    quiet env DDPG_MODEL_PATH="$SRC/models" "$tmp/parent/build/app" "$CKPT" "$tmp/run3"
  check "add_subdirectory: no ddpg tests in the parent" test ! -e "$tmp/parent/build/ddpg/test_core"
else
  echo "FAIL: add_subdirectory:"; tail -20 "$tmp/parent.log"; fail=1
fi
[ $fail -eq 0 ] && echo "test_install: all passed"
exit $fail
