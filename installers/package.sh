#!/usr/bin/env bash
# Builds a Leafwalk installer with jpackage on the platform it runs on:
#   bash installers/package.sh [app-image|deb|rpm|dmg|msi]     (default: app-image)
# The app image holds a trimmed Java runtime (jlink/build-runtime.sh: JDK modules from jdeps, JavaFX included), the
# jar and its libraries (the PyTorch native library and the embedded MiniLM among them), and assets/ (the shipped
# models and samples): it works offline and needs no JDK on the target machine. Output: target/installers/.
# Platform needs: deb: dpkg-deb and fakeroot; rpm: rpmbuild; dmg: macOS; msi: Windows with the WiX toolset.
set -euo pipefail
cd "$(dirname "$0")/.."
TYPE="${1:-app-image}"
VERSION="${LEAFWALK_VERSION:-0.1.0}"
# a clean build, so no stale library from an older build lands in the image (LEAFWALK_NO_BUILD=1 skips it)
if [ "${LEAFWALK_NO_BUILD:-0}" != 1 ] || [ ! -f target/leafwalk.jar ]; then
  mvn -B -q -DskipTests clean package
fi
bash jlink/build-runtime.sh
rm -rf target/app-input target/installers
mkdir -p target/app-input/lib target/installers
cp target/leafwalk.jar target/app-input/
# JavaFX lives in the runtime image as modules; its class-path copies stay out
find target/lib -name '*.jar' ! -name 'javafx-*' -exec cp {} target/app-input/lib/ \;
cp -r assets target/app-input/assets
common=(--name leafwalk --app-version "$VERSION" --vendor "Leafwalk" --copyright "Leafwalk developers"
  --description "Walk the input space of a Transformer along the eigendirections of its pullback metric"
  --input target/app-input --main-jar leafwalk.jar --main-class org.leafwalk.cli.Main
  --runtime-image target/runtime --dest target/installers
  --java-options "-Dai.djl.offline=true -Xss4m")
case "$TYPE" in
  app-image) jpackage --type app-image "${common[@]}" --icon installers/icons/leafwalk.png ;;
  deb) jpackage --type deb "${common[@]}" --icon installers/icons/leafwalk.png --linux-shortcut \
         --linux-menu-group Science --linux-app-category science --linux-deb-maintainer leafwalk@localhost \
         --file-associations installers/session.properties ;;
  rpm) jpackage --type rpm "${common[@]}" --icon installers/icons/leafwalk.png --linux-shortcut \
         --linux-menu-group Science --file-associations installers/session.properties ;;
  dmg) jpackage --type dmg "${common[@]}" --icon installers/icons/leafwalk.icns \
         --mac-package-identifier org.leafwalk --file-associations installers/session.properties ;;
  msi) jpackage --type msi "${common[@]}" --icon installers/icons/leafwalk.ico --win-menu --win-shortcut \
         --win-dir-chooser --file-associations installers/session.properties ;;
  *) echo "package: unknown type '$TYPE' (app-image, deb, rpm, dmg, msi)" >&2; exit 2 ;;
esac
ls -l target/installers
