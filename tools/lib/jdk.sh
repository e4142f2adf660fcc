# Finds a JDK of version 25 or newer and exports JAVA_HOME to it. Sourced by ./gse and ./run-tests (which .ci/run calls).
#
# Search order: $JAVA_HOME, the folders under /usr/lib/jvm (Debian and Temurin packages install there),
# then the `java` on PATH. The first one whose major version is at least 25 wins.

gse_java_major() {
  # Prints the major version of the java binary in $1, or nothing when it cannot run.
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | cut -d. -f1
}

gse_find_jdk() {
  local required=25 candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(gse_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$required" ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  cat >&2 <<MSG
error: no JDK $required or newer was found (looked at \$JAVA_HOME, /usr/lib/jvm/* and the java on PATH).
Install one and run again, for example:
  apt-get install temurin-25-jdk     (with the Adoptium apt repository), or
  download a JDK 25 and set JAVA_HOME to its folder.
MSG
  return 1
}

# Maven 3.8's bundled Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
