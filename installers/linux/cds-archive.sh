#!/bin/sh
# Writes lib/app/leafwalk.jsa next to this script: a class-data-sharing archive of the classes a Leafwalk session
# loads (lib/app/leafwalk.classlist, recorded when the package was built), dumped for the paths the package was
# installed to. The launcher's options name this file; a class-data-sharing archive is tied to the exact class path it
# was dumped for, which is why it is made here, after installation, and not when the package is built.
# Run by the package's post-install script. If it fails, the app starts without the archive (slower, nothing else).
set -e
app="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$(dirname "$app")")"
cp=$(sed -n 's/^app\.classpath=//p' "$app/leafwalk.cfg" | sed "s#[\$]APPDIR#$app#g" | paste -sd: -)
rm -f "$app/leafwalk.jsa"
"$root/lib/runtime/bin/java" -Xshare:dump \
  -XX:SharedClassListFile="$app/leafwalk.classlist" -XX:SharedArchiveFile="$app/leafwalk.jsa" -cp "$cp" >/dev/null
chmod 644 "$app/leafwalk.jsa"
