#!/bin/bash -eu
# Builds the crate's fuzz targets (fuzz/) the ClusterFuzzLite / OSS-Fuzz way
# and puts into $OUT, per target: the binary, <target>_seed_corpus.zip (the
# shared corpus, materialised by `crossfmt fuzz --seeds-only`),
# <target>.options; and every fuzz/dict/<format>.dict. The same script serves
# crossfmt's own checkout and every crate `crossfmt init` set up.
#
# In the base-builder-rust image $SRC and $OUT are set, this script is
# $SRC/build.sh and the working directory is the repository (the
# Dockerfile's WORKDIR). Locally (no Docker):  OUT=/tmp/out .clusterfuzzlite/build.sh
# The seeds come from $CROSSFMT_BIN when set, else `crossfmt` on PATH, else
# `cargo run` of crossfmt's own checkout.

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -f "$here/../fuzz/Cargo.toml" ]; then
  repo="$(cd "$here/.." && pwd)"
else
  repo="$PWD"
fi
: "${OUT:?set OUT to the output directory}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
cd "$repo"

# The toolchain, as `crossfmt fuzz` picks it: +nightly when rustup has one,
# else the stable compiler with RUSTC_BOOTSTRAP=1.
if command -v rustup >/dev/null && rustup toolchain list | grep -q '^nightly'; then
  fuzz() { cargo +nightly fuzz "$@"; }
else
  fuzz() { RUSTC_BOOTSTRAP=1 cargo fuzz "$@"; }
fi

# One build of every target, with the sanitizer cargo-fuzz defaults to
# (address; ClusterFuzzLite's $SANITIZER when it names another).
sanitizer=()
case "${SANITIZER:-address}" in
  address|"") ;;
  memory|undefined|thread|leak) sanitizer=(--sanitizer "$SANITIZER") ;;
  coverage) sanitizer=(--sanitizer none) ;;
esac
fuzz build -O "${sanitizer[@]}"
# cargo puts the binaries under $CARGO_TARGET_DIR when it is set.
bin_dir="${CARGO_TARGET_DIR:-fuzz/target}/x86_64-unknown-linux-gnu/release"
targets="$(fuzz list)"

# Seeds: the shared corpus written into fuzz/corpus/<target>/. It is a host
# tool, so it is built without the sanitizer flags of the image.
if [ -n "${CROSSFMT_BIN:-}" ]; then
  "$CROSSFMT_BIN" fuzz --seeds-only --root "$repo"
elif command -v crossfmt >/dev/null; then
  crossfmt fuzz --seeds-only --root "$repo"
elif [ -f "$repo/crates/cli/Cargo.toml" ]; then
  env -u RUSTFLAGS -u CFLAGS -u CXXFLAGS -u LDFLAGS \
    cargo run --release --quiet -- fuzz --seeds-only --root "$repo"
else
  echo "build.sh: no crossfmt binary (set CROSSFMT_BIN, or cargo install crossfmt-cli)" >&2
  exit 1
fi

zip_dir() { # zip_dir DIR ZIP: the files of DIR, flat, without needing `zip`
  rm -f "$2"
  if command -v python3 >/dev/null; then
    python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
d, z = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as f:
    for n in sorted(os.listdir(d)):
        if os.path.isfile(os.path.join(d, n)):
            f.write(os.path.join(d, n), n)
PY
  else
    (cd "$1" && find . -maxdepth 1 -type f -printf '%f\n' | zip -q -j "$2" -@) || true
  fi
}

left_out=""
for t in $targets; do
  # A target that compares with an in-process Python reference compares
  # nothing in this build (no `python` feature, no venv): not worth fuzzing.
  if [ -f "fuzz/options/$t.options" ] && grep -q '^reference *=' "fuzz/options/$t.options"; then
    left_out="$left_out $t"
    continue
  fi
  cp "$bin_dir/$t" "$OUT/"
  if [ -d "fuzz/corpus/$t" ]; then
    zip_dir "fuzz/corpus/$t" "$OUT/${t}_seed_corpus.zip"
  fi
  if [ -f "fuzz/options/$t.options" ]; then
    # Dictionaries sit next to the options in $OUT: keep only the file name.
    sed -E 's#^([[:space:]]*dict[[:space:]]*=[[:space:]]*).*/#\1#' \
      "fuzz/options/$t.options" > "$OUT/$t.options"
  fi
done
if [ -d fuzz/dict ]; then
  find fuzz/dict -maxdepth 1 -name '*.dict' -exec cp {} "$OUT/" \;
fi
echo "build.sh: $(( $(echo $targets | wc -w) - $(echo $left_out | wc -w) )) targets in $OUT"
if [ -n "$left_out" ]; then
  echo "build.sh: left out (they compare with a Python reference):$left_out"
fi
