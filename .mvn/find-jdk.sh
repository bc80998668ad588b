# Sourced by ./mvnw, ./fleetplan and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# Debian bookworm ships no JDK 21 package, so the default `java` (17) is usually too old and
# a JDK under /usr/lib/jvm (e.g. Temurin) is picked instead.
fleetplan_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}
fleetplan_find_jdk() {
  local candidate major
  for candidate in "${FLEETPLAN_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(fleetplan_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}
# mvnw runs with `set -f`; globbing is needed to scan /usr/lib/jvm
case $- in *f*) set +f; _fp_restore_noglob=1 ;; *) _fp_restore_noglob= ;; esac
FLEETPLAN_JDK=$(fleetplan_find_jdk) || FLEETPLAN_JDK=
[ -n "$_fp_restore_noglob" ] && set -f
if [ -n "$FLEETPLAN_JDK" ]; then
  export JAVA_HOME="$FLEETPLAN_JDK"
  export PATH="$JAVA_HOME/bin:$PATH"
else
  echo "fleetplan needs a JDK 21 or newer and found none (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "Install one, e.g. Temurin 21+ (https://adoptium.net) into /usr/lib/jvm, or set JAVA_HOME." >&2
  return 1 2>/dev/null || exit 1
fi
