#!/usr/bin/env bash
# Installs the Debian packages that building and testing cachescope need, if any are missing.
# Idempotent and silent when everything is already installed.
set -euo pipefail

# valgrind: tests/trace/valgrind_test.cpp traces a real program under Valgrind Lackey.
# The classroom GUI (cachescope-gui, docs/gui.md): Dear ImGui, GLFW, OpenGL, stb, pkg-config to find
# them, the DejaVu fonts it draws with; xvfb and xauth run its screenshot test without a display.
# clang, libclang-rt-14-dev: the libFuzzer targets of fuzz/ (scripts/fuzz.sh); the product builds with g++.
# help2man: the man pages; dpkg-dev, file: the .deb's dependencies (cpack, docs/install.md).
packages=(cmake g++ make libcli11-dev nlohmann-json3-dev doctest-dev valgrind
          pkg-config libimgui-dev libglfw3-dev libgl-dev libstb-dev fonts-dejavu-core xvfb xauth
          clang libclang-rt-14-dev help2man dpkg-dev file)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$p")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

echo "setup: installing missing packages: ${missing[*]}" >&2
if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "setup: error: packages missing (${missing[*]}) and not root and no sudo;" \
         "install them with: apt-get install ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
