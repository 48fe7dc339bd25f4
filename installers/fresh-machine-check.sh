#!/usr/bin/env bash
# Fresh-machine check: clones the committed repository into an empty folder and runs what a new user runs, so a
# missing install step shows up: the README's run command (the window, here under Xvfb, saving a screenshot), the
# README's test command, then the .deb build, its installation, `inspect` through the installed launcher, the
# installed window under Xvfb, and `inspect` again with the machine's JDKs hidden. PACKAGE=rpm builds and installs
# the .rpm instead (rpm from Debian's packages, installed with --nodeps since its dependencies are Debian packages
# rpm's database does not know). FRESH_M2=1 also starts from an empty Maven repository (every dependency downloaded
# again; slow). Debian/Ubuntu, as root (apt-get, dpkg). The .deb is installed as the README says, with apt-get,
# which resolves its dependencies (xdg-utils among them) on a machine that lacks them.
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
PACKAGE="${PACKAGE:-deb}"
echo "== installer ($PACKAGE)"
if [ "$PACKAGE" = rpm ] && ! command -v rpmbuild >/dev/null; then
  apt-get install -y -qq rpm >/dev/null
fi
# both packages install to /opt/leafwalk: whichever is there goes first
dpkg -r leafwalk >/dev/null 2>&1 || true
if command -v rpm >/dev/null && rpm -q leafwalk >/dev/null 2>&1; then rpm -e --nodeps leafwalk; fi
bash installers/package.sh "$PACKAGE"
pkg=$(ls target/installers/*."$PACKAGE")
# the package registers its menu entry and the session file type with xdg-utils, which needs the folders a
# desktop system has (a bare container lacks them)
mkdir -p /usr/share/applications /usr/share/desktop-directories /etc/xdg/menus
if [ "$PACKAGE" = rpm ]; then
  rpm -i --nodeps "$pkg" 2>/dev/null
else
  # as the README says: apt-get installs the .deb with the packages it depends on. xdg-utils is removed first, so
  # the check sees apt-get bring it in (dpkg -i alone would stop at the missing dependency, unconfigured)
  if dpkg -s xdg-utils >/dev/null 2>&1; then apt-get remove -y -qq xdg-utils >/dev/null; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$PWD/$pkg" >/dev/null
  dpkg -s xdg-utils >/dev/null 2>&1 || { echo "apt-get did not install the dependency xdg-utils" >&2; exit 1; }
  [ "$(dpkg-query -W -f='${Status}' leafwalk)" = "install ok installed" ] || {
    echo "leafwalk is not configured: $(dpkg-query -W -f='${Status}' leafwalk)" >&2; exit 1; }
fi
[ -s /opt/leafwalk/lib/app/leafwalk.jsa ] || { echo "the post-install script made no class-data-sharing archive" >&2; exit 1; }
launcher=/opt/leafwalk/bin/leafwalk
env -i PATH=/usr/bin:/bin HOME="$WORK/home" "$launcher" inspect --input sample:3
env -i PATH=/usr/bin:/bin HOME="$WORK/home" "$launcher" inspect --model minilm --input "text:It was good."
env -i PATH=/usr/bin:/bin HOME="$WORK/home" xvfb-run -a -s "-screen 0 1600x1000x24" "$launcher" ui \
  --screenshot "$WORK/installed-window.png"
# no JDK on the machine: the machine's JDKs hidden in a private mount namespace, the launcher runs on its own runtime
if unshare -m true 2>/dev/null; then
  echo "== the installed launcher with /usr/lib/jvm hidden"
  unshare -m bash -c 'mount -t tmpfs none /usr/lib/jvm && ! command -v java >/dev/null && ! command -v javac >/dev/null \
    && env -i PATH=/usr/bin:/bin HOME="$1" "$2" inspect --input sample:3' _ "$WORK/home" "$launcher"
else
  echo "unshare is not permitted here: the run without a JDK is skipped" >&2
fi
ls -l "$WORK/window.png" "$WORK/installed-window.png" "$pkg" /opt/leafwalk/lib/app/leafwalk.jsa
echo "fresh-machine check passed"
