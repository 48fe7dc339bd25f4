#!/usr/bin/env bash
# Builds a Leafwalk installer with jpackage on the platform it runs on:
#   bash installers/package.sh [app-image|deb|rpm|dmg|msi]     (default: app-image)
# The app image holds a trimmed Java runtime (jlink/build-runtime.sh: JDK modules from jdeps, JavaFX included), the
# jar and its libraries (the PyTorch native library and the embedded MiniLM among them), and assets/ (the shipped
# models and samples): it works offline and needs no JDK on the target machine. Output: target/installers/.
# Platform needs: deb: dpkg-deb and fakeroot; rpm: rpmbuild; both record a session's class list under xvfb-run (or a
# display) when there is one; dmg: macOS; msi: Windows with the WiX toolset.
set -euo pipefail
cd "$(dirname "$0")/.."
TYPE="${1:-app-image}"
VERSION="${LEAFWALK_VERSION:-0.1.0}"
# a clean build, so no stale library from an older build lands in the image (LEAFWALK_NO_BUILD=1 skips it)
if [ "${LEAFWALK_NO_BUILD:-0}" != 1 ] || [ ! -f target/leafwalk.jar ]; then
  mvn -B -q -DskipTests clean package
fi
bash jlink/build-runtime.sh
rm -rf target/app-input target/installers target/app-image
mkdir -p target/app-input/lib target/installers
cp target/leafwalk.jar target/app-input/
# JavaFX lives in the runtime image as modules; its class-path copies stay out
find target/lib -name '*.jar' ! -name 'javafx-*' -exec cp {} target/app-input/lib/ \;
cp -r assets target/app-input/assets
common=(--name leafwalk --app-version "$VERSION" --vendor "Leafwalk" --copyright "Leafwalk developers"
  --description "Walk the input space of a Transformer along the eigendirections of its pullback metric"
  --dest target/installers)
image_args=(--input target/app-input --main-jar leafwalk.jar --main-class org.leafwalk.cli.Main
  --runtime-image target/runtime --java-options "-Dai.djl.offline=true -Xss4m")
case "$TYPE" in
  app-image) jpackage --type app-image "${common[@]}" "${image_args[@]}" --icon installers/icons/leafwalk.png ;;
  deb|rpm)
    # The Linux packages start from an app image that also carries an application class-data-sharing archive:
    # the class list of a real session is recorded here, and the package's post-install script dumps the archive for
    # the installed paths (installers/linux/cds-archive.sh). Measured 2.4-2.8 s from JVM start to the first drawn walk
    # state, against 3.5-3.7 s with the JDK's archive alone.
    rm -rf target/app-image && mkdir -p target/app-image
    jpackage --type app-image "${common[@]}" --dest target/app-image "${image_args[@]}" \
      --icon installers/icons/leafwalk.png
    image=target/app-image/leafwalk
    app="$image/lib/app"
    cp="$(sed -n 's/^app\.classpath=//p' "$app/leafwalk.cfg" | sed "s#[\$]APPDIR#$PWD/$app#g" | paste -sd: -)"
    home="$(mktemp -d)"
    record=("$image/lib/runtime/bin/java" -XX:DumpLoadedClassList="$app/leafwalk.classlist" -Dai.djl.offline=true
      -Xss4m -cp "$cp" org.leafwalk.cli.Main)
    if command -v xvfb-run >/dev/null; then
      HOME="$home" xvfb-run -a -s "-screen 0 1600x1000x24" "${record[@]}" ui --screenshot "$home/window.png" >/dev/null
    elif [ -n "${DISPLAY:-}" ]; then
      HOME="$home" "${record[@]}" ui --screenshot "$home/window.png" >/dev/null
    else
      echo "package: no display and no xvfb-run: the class list covers the command line only" >&2
      HOME="$home" "${record[@]}" inspect --input sample:3 >/dev/null
    fi
    rm -rf "$home"
    cp installers/linux/cds-archive.sh "$app/"
    echo 'java-options=-XX:SharedArchiveFile=$APPDIR/leafwalk.jsa' >> "$app/leafwalk.cfg"
    if [ "$TYPE" = deb ]; then
      jpackage --type deb "${common[@]}" --app-image "$image" --resource-dir installers/linux \
        --icon installers/icons/leafwalk.png --linux-shortcut --linux-menu-group Science --linux-app-category science \
        --linux-deb-maintainer leafwalk@localhost --file-associations installers/session.properties
    else
      jpackage --type rpm "${common[@]}" --app-image "$image" --resource-dir installers/linux \
        --icon installers/icons/leafwalk.png --linux-shortcut --linux-menu-group Science \
        --file-associations installers/session.properties
    fi ;;
  dmg) jpackage --type dmg "${common[@]}" "${image_args[@]}" --icon installers/icons/leafwalk.icns \
         --mac-package-identifier org.leafwalk --file-associations installers/session.properties ;;
  msi) jpackage --type msi "${common[@]}" "${image_args[@]}" --icon installers/icons/leafwalk.ico --win-menu \
         --win-shortcut --win-dir-chooser --file-associations installers/session.properties ;;
  *) echo "package: unknown type '$TYPE' (app-image, deb, rpm, dmg, msi)" >&2; exit 2 ;;
esac
ls -l target/installers
