# shellcheck shell=bash
# Installs Confab's build tools into a per-user cache and puts them on PATH.
# Source it, then call `confab_tools`. Nothing is fetched but crates.io and
# npm packages; a second run only checks versions and takes seconds.
#
#   CONFAB_TOOLS_DIR  where the tools live (default ~/.cache/confab/tools);
#                     one folder per tool and version, so versions never mix.

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
ESBUILD_VERSION=0.28.2

confab_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

confab_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The one door to unstable features of the pinned stable compiler
# (rust-toolchain.toml): RUSTC_BOOTSTRAP makes it take them. Three things
# need it, and each breaks without it:
#   - fetching the standard library's crates, whose manifest uses a nightly
#     cargo feature (the offline widget build then lacks them);
#   - the widget's build-std and -Z size flags (confab_trunk: about 11 KB
#     brotli of the 80 KB budget);
#   - cargo-fuzz, which passes -Z flags to rustc (scripts/fuzz).
# A new compiler may rename these flags: move the pin and this together.
confab_unstable() { RUSTC_BOOTSTRAP=1 "$@"; }

# The wasm-bindgen CLI must match the crate version in Cargo.lock exactly, so
# read it from there: a `cargo update` that moves it installs the new CLI.
confab_wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$(confab_root)/Cargo.lock"
}

confab_tools() {
  local root dir wb
  root=$(confab_root)
  dir=${CONFAB_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/confab/tools}
  mkdir -p "$dir"

  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; return 1; }
  command -v npm >/dev/null || { echo "npm not found: install Node.js and npm first" >&2; return 1; }

  # rust-toolchain.toml pins the compiler, its components and the wasm
  # target; rustup installs whatever of them is missing (it may be set not
  # to do so on its own).
  (cd "$root" && rustup toolchain install >/dev/null)

  if [ ! -x "$dir/trunk-$TRUNK_VERSION/bin/trunk" ]; then
    confab_log "installing trunk $TRUNK_VERSION (about 6 minutes, once)"
    cargo install "trunk@$TRUNK_VERSION" --locked --root "$dir/trunk-$TRUNK_VERSION"
  fi

  # Trunk runs cargo offline: fetch our crates, and those of the standard
  # library that the widget rebuilds (a fresh machine has none of them).
  (cd "$root" && cargo fetch --quiet)
  confab_unstable cargo fetch --locked --quiet \
    --manifest-path "$(rustc --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
  wb=$(confab_wasm_bindgen_version)
  [ -n "$wb" ] || { echo "wasm-bindgen not found in Cargo.lock" >&2; return 1; }
  if [ ! -x "$dir/wasm-bindgen-$wb/bin/wasm-bindgen" ]; then
    confab_log "installing wasm-bindgen-cli $wb (about 2 minutes, once per version)"
    # Not --locked: the CLI's own lockfile pins crates the registry lacks.
    cargo install wasm-bindgen-cli --version "=$wb" --root "$dir/wasm-bindgen-$wb"
  fi

  # Debian's binaryen builds a wasm that crashes at start; npm's 132 works.
  if [ ! -x "$dir/binaryen-$BINARYEN_VERSION/node_modules/.bin/wasm-opt" ]; then
    confab_log "installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
    mkdir -p "$dir/binaryen-$BINARYEN_VERSION"
    (cd "$dir/binaryen-$BINARYEN_VERSION" && npm install --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION")
  fi

  # Minifies the widget's wasm-bindgen glue (a Trunk hook in Trunk.toml).
  if [ ! -x "$dir/esbuild-$ESBUILD_VERSION/node_modules/.bin/esbuild" ]; then
    confab_log "installing esbuild $ESBUILD_VERSION from npm"
    mkdir -p "$dir/esbuild-$ESBUILD_VERSION"
    (cd "$dir/esbuild-$ESBUILD_VERSION" && npm install --no-audit --no-fund --silent "esbuild@$ESBUILD_VERSION")
  fi

  export PATH="$dir/trunk-$TRUNK_VERSION/bin:$dir/wasm-bindgen-$wb/bin:$dir/binaryen-$BINARYEN_VERSION/node_modules/.bin:$dir/esbuild-$ESBUILD_VERSION/node_modules/.bin:$PATH"
  # Trunk.toml pins a version too; the lockfile's wins, so they never drift.
  export TRUNK_TOOLS_WASM_BINDGEN=$wb
  export TRUNK_SKIP_VERSION_CHECK=true
}

# Builds the widget into dist/ and the moderation dashboard into dist-admin/,
# where the server's build script embeds them. Each Trunk build empties its
# own dist folder, so the two folders are siblings, not nested.
confab_build_widget() {
  confab_log "building the widget (trunk build --release)"
  confab_trunk Trunk.toml
  confab_log "building the moderation dashboard (trunk build --release)"
  confab_trunk Trunk.admin.toml
}

# Every reader downloads the widget, so it is built for size with three
# unstable flags of the pinned stable compiler (confab_unstable): the
# standard library is rebuilt with the widget, panics abort at once
# without formatting a message, and neither panic locations nor Debug
# output are compiled in. About 11 KB brotli of the 80 KB budget; a panic
# still stops the widget, it only says less in the console. The standard
# library is rebuilt with its `optimize_for_size` feature too, which picks
# its smaller sorts and formatting code: about 0.9 KB brotli more. And
# scripts/link-widget links without the exports of wasm-streams' classes,
# which leptos brings and nothing calls: about 3.3 KB brotli. The dashboard
# gets the same flags and linker, so the two builds share their compiled
# crates.
confab_trunk() {
  (cd "$(confab_root)" &&
    CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
      CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$(confab_root)/scripts/link-widget" \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
      confab_unstable trunk build --release --config "$1")
}

# A PyPI package at one version in its own virtualenv under the tools
# folder, made once; prints the venv's bin/. Usage: confab_venv NAME VERSION
# COMMAND, where COMMAND is what the package installs into bin/.
confab_venv() {
  local name=$1 version=$2 command=$3 dir venv
  dir=${CONFAB_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/confab/tools}
  venv="$dir/$name-$version"
  if [ ! -x "$venv/bin/$command" ]; then
    command -v python3 >/dev/null || { echo "python3 not found: install it (apt-get install python3-venv)" >&2; return 1; }
    confab_log "installing $name $version into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$name==$version" >&2
  fi
  printf '%s\n' "$venv/bin"
}

# Schemathesis (PyPI) in its own virtualenv; puts `st` on PATH.
SCHEMATHESIS_VERSION=4.32.5
confab_schemathesis() {
  local bin
  bin=$(confab_venv schemathesis "$SCHEMATHESIS_VERSION" st)
  export PATH="$bin:$PATH"
}

# Isso (PyPI) in its own virtualenv, the peer whose `isso import` reads
# Confab's Disqus export in the integration tests; exports CONFAB_ISSO_BIN,
# the venv's bin/ folder. The version is the benchmark's (bench/src/isso.rs).
ISSO_VERSION=0.14.0
confab_isso() {
  CONFAB_ISSO_BIN=$(confab_venv isso "$ISSO_VERSION" isso)
  export CONFAB_ISSO_BIN
}

# cargo-fuzz, for scripts/fuzz; puts `cargo fuzz` on PATH.
CARGO_FUZZ_VERSION=0.13.2
confab_cargo_fuzz() {
  local dir
  dir=${CONFAB_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/confab/tools}
  if [ ! -x "$dir/cargo-fuzz-$CARGO_FUZZ_VERSION/bin/cargo-fuzz" ]; then
    confab_log "installing cargo-fuzz $CARGO_FUZZ_VERSION (about 2 minutes, once)"
    cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked --root "$dir/cargo-fuzz-$CARGO_FUZZ_VERSION"
  fi
  export PATH="$dir/cargo-fuzz-$CARGO_FUZZ_VERSION/bin:$PATH"
}

# mdBook, which builds the docs/ book (scripts/test); puts `mdbook` on PATH.
# Only the `search` feature: the book is built, never served or watched, and
# leaving out `serve` and `watch` halves the install.
MDBOOK_VERSION=0.5.4
confab_mdbook() {
  local dir
  dir=${CONFAB_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/confab/tools}
  if [ ! -x "$dir/mdbook-$MDBOOK_VERSION/bin/mdbook" ]; then
    confab_log "installing mdbook $MDBOOK_VERSION (about 4 minutes, once)"
    cargo install mdbook --version "=$MDBOOK_VERSION" --locked --no-default-features --features search \
      --root "$dir/mdbook-$MDBOOK_VERSION"
  fi
  export PATH="$dir/mdbook-$MDBOOK_VERSION/bin:$PATH"
}
