#!/usr/bin/env bash
# Fresh-machine check: clones the committed repository into an empty folder and runs what a new user runs, so a
# missing install step shows up: the README's run command (the window, here under Xvfb, saving a screenshot), the
# README's test command, then the .deb build, its installation, `inspect` through the installed launcher, and the
# installed window under Xvfb. FRESH_M2=1 also starts from an empty Maven repository (every dependency downloaded
# again; slow). Debian/Ubuntu, as root (apt-get, dpkg).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/leafwalk-fresh.XXXXXX)"
echo "fresh-machine check in $WORK"
git clone -q "$REPO" "$WORK/leafwalk"
cd "$WORK/leafwalk"
MVN_ARGS=(-B)
if [ "${FRESH_M2:-0}" = 1 ]; then
  MVN_ARGS+=("-Dmaven.repo.local=$WORK/m2")
fi
run_cmd='mvn -B -q -DskipTests package && java -jar target/leafwalk.jar'
test_cmd='bash src/scripts/prepare-tests.sh && mvn -B verify'
grep -qF "$run_cmd" README.md || { echo "README no longer holds the run command: $run_cmd" >&2; exit 1; }
grep -qF "$test_cmd" README.md || { echo "README no longer holds the test command: $test_cmd" >&2; exit 1; }
if ! command -v xvfb-run >/dev/null || ! ldconfig -p | grep -q libgtk-3.so.0; then
  apt-get update -qq >/dev/null && apt-get install -y -qq xvfb xauth libgtk-3-0 libgl1 libxtst6 libxxf86vm1 >/dev/null
fi
echo "== run command (the window under Xvfb, saving a screenshot)"
mvn "${MVN_ARGS[@]}" -q -DskipTests package
xvfb-run -a -s "-screen 0 1600x1000x24" java -jar target/leafwalk.jar ui --screenshot "$WORK/window.png"
echo "== test command"
bash src/scripts/prepare-tests.sh
mvn "${MVN_ARGS[@]}" verify
echo "== installer"
bash installers/package.sh deb
deb=$(ls target/installers/*.deb)
# the package registers its menu entry and the session file type with xdg-utils, which needs the folders a
# desktop system has (a bare container lacks them)
mkdir -p /usr/share/applications /usr/share/desktop-directories /etc/xdg/menus
dpkg -i "$deb" >/dev/null
launcher=/opt/leafwalk/bin/leafwalk
env -i PATH=/usr/bin:/bin HOME="$WORK/home" "$launcher" inspect --input sample:3
env -i PATH=/usr/bin:/bin HOME="$WORK/home" "$launcher" inspect --model minilm --input "text:It was good."
env -i PATH=/usr/bin:/bin HOME="$WORK/home" xvfb-run -a -s "-screen 0 1600x1000x24" "$launcher" ui \
  --screenshot "$WORK/installed-window.png"
ls -l "$WORK/window.png" "$WORK/installed-window.png" "$deb"
echo "fresh-machine check passed"
