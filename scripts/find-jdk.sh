# Sourced by ./mvnw, ./sluice and .ci/run: exports JAVA_HOME as a JDK >= 21.
# Order: $JAVA_HOME, then `java` on the PATH, then the newest JDK under /usr/lib/jvm.
# Every ./sluice run passes here, so it reads versions from the JDKs' `release` files with shell
# built-ins: no JVM start, and a fork only to resolve a symbolic link.

# sluice_read_major JAVA: sets SLUICE_JAVA_MAJOR to the feature version of the `java` binary JAVA
# (empty if unknown) and SLUICE_JAVA_REAL to its resolved path.
sluice_read_major() {
  local java=$1 line version
  SLUICE_JAVA_MAJOR=
  SLUICE_JAVA_REAL=$java
  [ -L "$java" ] && SLUICE_JAVA_REAL=$(readlink -f "$java")
  local release="${SLUICE_JAVA_REAL%/bin/java}/release"
  if [ -f "$release" ]; then
    while IFS= read -r line; do
      case $line in
        JAVA_VERSION=*)
          version=${line#JAVA_VERSION=}
          version=${version//\"/}
          version=${version#1.}
          SLUICE_JAVA_MAJOR=${version%%[.+-]*}
          return
          ;;
      esac
    done <"$release"
  fi
  # no release file: ask the JVM
  SLUICE_JAVA_MAJOR=$("$java" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]) }')
}

# sluice_java_major JAVA: prints the feature version of the `java` binary JAVA.
sluice_java_major() {
  sluice_read_major "$1"
  echo "$SLUICE_JAVA_MAJOR"
}

# sluice_usable JAVA: true if JAVA is a JDK >= 21 with javac; sets JAVA_HOME to it.
sluice_usable() {
  [ -x "$1" ] || return 1
  sluice_read_major "$1"
  [ -n "$SLUICE_JAVA_MAJOR" ] && [ "$SLUICE_JAVA_MAJOR" -ge 21 ] 2>/dev/null || return 1
  [ -x "${SLUICE_JAVA_REAL%/java}/javac" ] || return 1 # a JDK, not just a runtime
  JAVA_HOME=${SLUICE_JAVA_REAL%/bin/java}
}

sluice_find_jdk() {
  local java best= best_major=0
  if [ -n "${JAVA_HOME:-}" ] && sluice_usable "$JAVA_HOME/bin/java"; then
    export JAVA_HOME
    return 0
  fi
  if java=$(command -v java 2>/dev/null) && sluice_usable "$java"; then
    export JAVA_HOME
    return 0
  fi
  for java in /usr/lib/jvm/*/bin/java; do
    if sluice_usable "$java" && [ "$SLUICE_JAVA_MAJOR" -gt "$best_major" ]; then
      best=$JAVA_HOME
      best_major=$SLUICE_JAVA_MAJOR
    fi
  done
  if [ -n "$best" ]; then
    JAVA_HOME=$best
    export JAVA_HOME
    return 0
  fi
  echo "Sluice needs a JDK 21 or newer (with javac). None found: checked \$JAVA_HOME, 'java' on the PATH and /usr/lib/jvm/*." >&2
  echo "Install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+) or point JAVA_HOME at it." >&2
  return 1
}
