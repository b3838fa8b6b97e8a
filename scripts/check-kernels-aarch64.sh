#!/usr/bin/env bash
# Proves that the kernels give the same bits on x86-64 and on AArch64: builds
# scripts/kernel-check.c with the Kernels sources for this x86-64 machine and,
# with a cross compiler, for AArch64 (with clang, which builds the package on
# Arm, and with gcc), runs the AArch64 builds under qemu's user-mode emulation,
# and prints one digest per kernel and path: every x86 path this CPU has, and
# AArch64's portable and neon paths. Exits 1 unless every digest of each kernel
# is the same, 2 when a tool is missing.
#
# Needs an x86-64 Linux host with clang (Swift's; it cross-compiles with the
# libraries of gcc-aarch64-linux-gnu) and qemu-user-static (.ci/run installs them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

missing() { echo "check-kernels-aarch64: $1" >&2; exit 2; }
[ "$(uname -m)" = x86_64 ] || missing "runs on an x86-64 host (it compares x86-64 with emulated AArch64)"
command -v clang >/dev/null || missing "no clang (it comes with Swift)"
command -v aarch64-linux-gnu-gcc >/dev/null || missing "no aarch64-linux-gnu-gcc: apt-get install gcc-aarch64-linux-gnu"
qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64)" || missing "no qemu-aarch64: apt-get install qemu-user-static"

# The Kernels target's C flags, from their one home in Package.swift.
flags="$(sed -n 's/^let kernelFlags.*unsafeFlags(\[\(.*\)\]).*/\1/p' "$root/Package.swift" | tr -d '",')"
[ -n "$flags" ] || missing "found no kernelFlags in Package.swift"
read -ra flags <<<"$flags"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sources=("$root"/Sources/Kernels/*.c "$root/scripts/kernel-check.c")
build() { # name, compiler and its target flags
    local name="$1"
    shift
    "$@" "${flags[@]}" -Wall -Werror -I"$root/Sources/Kernels/include" "${sources[@]}" -lm -o "$work/$name"
}
build x86-64 clang
build aarch64-clang clang --target=aarch64-linux-gnu -static
build aarch64-gcc aarch64-linux-gnu-gcc -static

echo "kernel flags: ${flags[*]}"
{
    "$work/x86-64" | sed 's/^/x86-64 /'
    for binary in "$work"/aarch64-*; do "$qemu" "$binary" | sed "s/^/$(basename "$binary") /"; done
} >"$work/digests"

# One row a kernel, one column a build and path; the exit status says whether
# each row holds one digest.
awk '
    { column = $1 "/" $3; if (!(column in seen)) { seen[column] = 1; columns[++width] = column }
      if (!($2 in known)) { known[$2] = 1; kernels[++height] = $2 }
      digest[$2, column] = $4 }
    END {
        printf "%-19s", "kernel"; for (c = 1; c <= width; c++) printf(c < width ? " %-22s" : " %s", columns[c]); print ""
        failed = 0
        for (k = 1; k <= height; k++) {
            kernel = kernels[k]; first = digest[kernel, columns[1]]; same = 1
            printf "%-19s", kernel
            for (c = 1; c <= width; c++) {
                printf(c < width ? " %-22s" : " %s", digest[kernel, columns[c]])
                if (digest[kernel, columns[c]] != first) same = 0
            }
            print same ? "" : " DIFFERS"
            if (!same) failed = 1
        }
        if (failed) { print "the paths disagree: the kernels marked DIFFERS break the contract of Kernels.h"; exit 1 }
        print "every kernel gives the same bits on every path and build"
    }' "$work/digests"
