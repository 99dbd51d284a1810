#!/usr/bin/env bash
# Installs the MLIR and LLVM 19 tools q35c's tests run (Debian 12 packages),
# unless they are already there. Needs root or sudo.
set -euo pipefail
pkgs="mlir-19-tools libmlir-19 llvm-19 clang-19 libomp-19-dev"
if [ -x /usr/lib/llvm-19/bin/mlir-opt ] && [ -x /usr/lib/llvm-19/bin/mlir-cpu-runner ] && [ -e /usr/lib/llvm-19/lib/libmlir_runner_utils.so.19.1 ] && [ -e /usr/lib/llvm-19/lib/libomp.so ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
echo "q35c: installing $pkgs" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
