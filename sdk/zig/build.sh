#!/bin/sh
# build.sh: build a wasmprep plugin written in Zig into a component, or run
# its tests natively.
#
#   build.sh PLUGIN.zig [-o OUT.wasm] [--safe | --debug] [-- ZIG_FLAGS...]
#     (ReleaseFast without DWARF; --safe: ReleaseSafe, with safety checks;
#      --debug: Debug, with safety checks and DWARF)
#   build.sh test PLUGIN.zig [-- ZIG_TEST_FLAGS...]
#
# PLUGIN.zig imports the kit as `@import("wasmprep")` (this script's
# wasmprep.zig) and calls `wp.exportPlugin(...)` in a comptime block.
#
# Tools: Zig 0.17 (`$ZIG`, else `zig` on PATH, else `.venv/bin/python -m
# ziglang` next to PLUGIN.zig, else `python3 -m ziglang`; PyPI `ziglang`) and `wasmprep-c-bindgen` (`$WASMPREP_C_BINDGEN`,
# else on PATH; `cargo install --path <wasmprep>/sdk/c/bindgen`), which
# writes the C bindings of the plugin contract and makes the component.
#
# The build (in OUT.wasm.build/):
#   1. wasmprep-c-bindgen generate gen/      C bindings + wasmprep_stdio.c
#   2. zig cc -c layout_check.c (the C types have the layout abi.zig
#      declares), gen/plugin.c, gen/wasmprep_stdio.c  (wasm32-wasi, -O2)
#   3. zig build-exe root.zig (the plugin, the kit's panic handler and
#      std.log to the host log) + those objects + plugin_component_type.o
#      -> module.wasm, a WASI reactor
#   4. wasmprep-c-bindgen componentize module.wasm OUT.wasm
set -eu

usage() {
    sed -n '5,8p' "$0" | sed 's/^# *//' >&2
    exit 64
}

kit=$(cd "$(dirname "$0")" && pwd)

# The Zig compiler: $ZIG, zig on PATH, the ziglang package of a .venv next
# to the plugin source, or of python3.
find_zig() {
    if [ -n "${ZIG:-}" ]; then
        zig_cmd=$ZIG
    elif command -v zig >/dev/null 2>&1; then
        zig_cmd=zig
    elif [ -x "$1/.venv/bin/python" ] && "$1/.venv/bin/python" -m ziglang version >/dev/null 2>&1; then
        zig_cmd="$1/.venv/bin/python -m ziglang"
    elif ${PYTHON:-python3} -m ziglang version >/dev/null 2>&1; then
        zig_cmd="${PYTHON:-python3} -m ziglang"
    else
        echo "build.sh: no Zig compiler: set ZIG, put zig on PATH, or 'pip install ziglang==0.17.1'" >&2
        echo "          (into a .venv next to the plugin: python3 -m venv .venv && .venv/bin/pip install ziglang==0.17.1)" >&2
        exit 69
    fi
}

run_zig() {
    # shellcheck disable=SC2086 # zig_cmd may be "python3 -m ziglang"
    $zig_cmd "$@"
}

mode=build
if [ "${1:-}" = test ]; then
    mode=test
    shift
fi
[ $# -ge 1 ] || usage
source=$1
shift
[ -f "$source" ] || { echo "build.sh: no such file: $source" >&2; exit 66; }
find_zig "$(dirname "$source")"

if [ "$mode" = test ]; then
    [ "${1:-}" = -- ] && shift
    exec $zig_cmd test -lc "$@" --dep wasmprep -Mroot="$source" -Mwasmprep="$kit/wasmprep.zig"
fi

out=$(basename "$source" .zig).wasm
optimize=ReleaseFast
strip=-fstrip   # DWARF is ~95 % of the module; the name section stays
while [ $# -gt 0 ]; do
    case $1 in
        -o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
        --safe) optimize=ReleaseSafe; shift ;;
        --debug) optimize=Debug; strip=; shift ;;
        --) shift; break ;;
        *) usage ;;
    esac
done

bindgen=${WASMPREP_C_BINDGEN:-wasmprep-c-bindgen}
if ! command -v "$bindgen" >/dev/null 2>&1; then
    echo "build.sh: $bindgen not found: cargo install --path <wasmprep>/sdk/c/bindgen (or set WASMPREP_C_BINDGEN)" >&2
    exit 69
fi

build="$out.build"
gen="$build/gen"
mkdir -p "$build"
"$bindgen" generate "$gen" >/dev/null

cat >"$build/root.zig" <<'EOF'
// Written by sdk/zig/build.sh: the component's root. The plugin exports
// itself (wp.exportPlugin in its comptime block); panics and std.log go to
// the host log, so they need no WASI.
const wp = @import("wasmprep");
pub const panic = wp.panic;
pub const std_options = wp.std_options;
pub const std_options_debug_io = wp.debug_io;
comptime {
    _ = @import("plugin");
}
EOF

cflags="--target=wasm32-wasi -mexec-model=reactor -O2 -I $gen"
# The bindings' C types have the layout abi.zig declares (compile-time asserts).
# shellcheck disable=SC2086
run_zig cc $cflags -c "$kit/layout_check.c" -o "$build/layout_check.o"
# shellcheck disable=SC2086
run_zig cc $cflags -c "$gen/plugin.c" -o "$build/plugin.o"
# shellcheck disable=SC2086
run_zig cc $cflags -c "$gen/wasmprep_stdio.c" -o "$build/wasmprep_stdio.o"

# shellcheck disable=SC2086 # $strip is empty or one flag
run_zig build-exe -target wasm32-wasi -mexec-model=reactor -O "$optimize" $strip -lc \
    --name module -femit-bin="$build/module.wasm" \
    "$@" \
    --dep wasmprep --dep plugin -Mroot="$build/root.zig" \
    --dep wasmprep -Mplugin="$source" \
    -Mwasmprep="$kit/wasmprep.zig" \
    "$build/plugin.o" "$build/wasmprep_stdio.o" "$gen/plugin_component_type.o"

"$bindgen" componentize "$build/module.wasm" "$out"
echo "built $out ($(wc -c <"$out") bytes)"
