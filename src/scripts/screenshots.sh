#!/usr/bin/env bash
# Starts Leafwalk in a real window under Xvfb, walks a little (a null direction, then the top eigendirection),
# estimates the Lipschitz ratios and the per-layer spectra, matches the input to sample 2's representation, and
# saves the main window, the matching window and classroom mode as PNG:
# ${1:-target/screenshots}/{main-window,match-window,classroom}.png.
# Installs Xvfb and the GTK libraries JavaFX's glass needs when they are missing (Debian, as root).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-target/screenshots}"
mkdir -p "$OUT"
if ! command -v xvfb-run >/dev/null || ! ldconfig -p | grep -q libgtk-3.so.0; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq xvfb xauth libgtk-3-0 libgl1 libxtst6 libxxf86vm1 >/dev/null
fi
if [ ! -f target/leafwalk.jar ]; then
  mvn -B -q -DskipTests package
fi
xvfb-run -a -s "-screen 0 1600x1000x24" java -jar target/leafwalk.jar ui --model "${MODEL:-default}" \
  --input "${INPUT:-sample:14}" --screenshot "$OUT/main-window.png" --classroom-screenshot "$OUT/classroom.png" \
  --match-screenshot "$OUT/match-window.png"
ls -l "$OUT"/main-window.png "$OUT"/classroom.png "$OUT"/match-window.png
