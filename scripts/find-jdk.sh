# Sourced by ./mvnw, ./sluice and .ci/run: exports JAVA_HOME as a JDK >= 21.
# Order: $JAVA_HOME, then `java` on the PATH, then the newest JDK under /usr/lib/jvm.

sluice_java_major() {
  # The JDK's `release` file names its version without starting a JVM (every ./sluice run passes
  # here); fall back to asking the JVM.
  local release version
  release="$(dirname "$(dirname "$(readlink -f "$1")")")/release"
  if [ -f "$release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)"/\1/p' "$release")
    if [ -n "$version" ]; then
      version=${version#1.}
      echo "${version%%[.+-]*}"
      return
    fi
  fi
  "$1" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]) }'
}

sluice_find_jdk() {
  local candidates=() java major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(readlink -f "$(command -v java)")")
  if [ -d /usr/lib/jvm ]; then
    while IFS= read -r java; do candidates+=("$java"); done < <(
      for j in /usr/lib/jvm/*/bin/java; do
        [ -x "$j" ] && printf '%s %s\n' "$(sluice_java_major "$j")" "$j"
      done | sort -rn | cut -d' ' -f2-)
  fi
  for java in "${candidates[@]}"; do
    [ -x "$java" ] || continue
    major=$(sluice_java_major "$java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      java=$(readlink -f "$java")
      # a JDK (with javac), not just a runtime
      if [ -x "$(dirname "$java")/javac" ]; then
        JAVA_HOME=$(dirname "$(dirname "$java")")
        export JAVA_HOME
        return 0
      fi
    fi
  done
  echo "Sluice needs a JDK 21 or newer (with javac). None found: checked \$JAVA_HOME, 'java' on the PATH and /usr/lib/jvm/*." >&2
  echo "Install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+) or point JAVA_HOME at it." >&2
  return 1
}
