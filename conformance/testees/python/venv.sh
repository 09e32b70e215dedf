# Sourced by setup and testee: where the reference testee's venv lives.
# $CROSSFMT_PYREF when set; in a crossfmt checkout, <checkout>/target/pyref;
# else (the data as a dependency unpacked it, e.g. in Cargo's registry, which
# is no place to write) a per-user cache directory.
# Sets only $venv.
_pyref_data="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && cd ../../.. && pwd -P)"
if [[ -n "${CROSSFMT_PYREF:-}" ]]; then
    venv="$CROSSFMT_PYREF"
elif [[ -f "$_pyref_data/Cargo.toml" && -d "$_pyref_data/crates/data" ]]; then
    venv="$_pyref_data/target/pyref"
else
    venv="${XDG_CACHE_HOME:-$HOME/.cache}/crossfmt/pyref"
fi
unset _pyref_data
