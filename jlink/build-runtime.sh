#!/usr/bin/env bash
# Builds a trimmed Java runtime for Leafwalk into target/runtime: the modules in jlink/modules.txt, JavaFX's taken
# from the platform jars in target/lib. Checks first that jdeps needs nothing outside the list.
# The runtime carries the JDK's class-data-sharing archive (--generate-cds-archive): JDK classes map from it at start
# instead of being parsed, which measured 3.5-3.7 s from JVM start to the first drawn walk state against 4.0-4.6 s
# without it (the installed app image under Xvfb, `ui --benchmark`).
# Needs: a JDK 17+ with jmods (JAVA_HOME, else the one `java` belongs to) and `mvn -DskipTests package` done.
set -euo pipefail
cd "$(dirname "$0")/.."
JH="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
[ -d "$JH/jmods" ] || { echo "build-runtime: $JH has no jmods folder (install the JDK's jmods package)" >&2; exit 2; }
[ -f target/leafwalk.jar ] || { echo "build-runtime: run mvn -B -DskipTests package first" >&2; exit 2; }
modules=$(grep -v '^#' jlink/modules.txt | grep -v '^$' | paste -sd, -)
needed=$("$JH/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps \
  --class-path "target/lib/*" target/leafwalk.jar)
for m in ${needed//,/ }; do
  case ",$modules," in *",$m,"*) ;; *) echo "build-runtime: jdeps needs $m, missing from jlink/modules.txt" >&2; exit 2;; esac
done
fxjars=$(ls target/lib/javafx-*-*.jar | paste -sd: -)
rm -rf target/runtime
"$JH/bin/jlink" --module-path "$JH/jmods:$fxjars" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress=2 --generate-cds-archive --output target/runtime
echo "runtime: target/runtime ($(du -sh target/runtime | cut -f1)), modules: $modules"
