# Sourced by the other scripts: finds JDK 25 and Maven, and builds the project when needed.
# Fanout compiles and runs with --enable-preview (StructuredTaskScope), and preview class files
# compile and load on their own release only (a JDK 26 refuses both): JAVA_HOME when it is JDK 25,
# else a JDK 25 under /usr/lib/jvm.

# Every launch of scripts/fanout runs what follows, so it uses the shell's builtins where a process
# (dirname, sed, head, cat) or a command substitution cost ~0.6-1.2 ms each: a 20-row
# `scripts/fanout validate` took 130 ms before (median of 15), 108 ms after.
fanout_scripts="${BASH_SOURCE[0]%/*}"
[ "$fanout_scripts" = "${BASH_SOURCE[0]}" ] && fanout_scripts=.
# The root from the path the script came by where it is plain (`scripts`, `/…/scripts`): the
# general `$(cd … && pwd)` forks a subshell, ~3.7 ms on this VM.
case $fanout_scripts in
    scripts) FANOUT_ROOT="$PWD" ;;
    /*/scripts) FANOUT_ROOT="${fanout_scripts%/scripts}" ;;
    *) FANOUT_ROOT="$(cd "$fanout_scripts/.." && pwd)" ;;
esac

# Sets JAVA_MAJOR to the feature version of the JDK at $1, from its `release` file
# (JAVA_VERSION="25.0.3"); asking the JDK itself (`java -XshowSettings`) started a JVM per JDK,
# ~0.1 s each, on every launch.
java_major() {
    JAVA_MAJOR=""
    local line
    if [ -r "$1/release" ]; then
        while IFS= read -r line || [ -n "$line" ]; do
            if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
                JAVA_MAJOR="${BASH_REMATCH[1]}"
                return 0
            fi
        done < "$1/release"
    else
        JAVA_MAJOR="$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1)"
    fi
}

# The JDK release whose preview API (StructuredTaskScope) the class files use.
FANOUT_JDK_RELEASE=25

# Sets FOUND_JDK to JAVA_HOME when it is JDK 25, else to a JDK 25 under /usr/lib/jvm, else to
# nothing. Not a newer one: javac 26 refuses `--enable-preview` for release 25, and a JVM 26
# refuses class files with release 25's preview features.
find_jdk() {
    FOUND_JDK=""
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
        java_major "$JAVA_HOME"
        if [ "$JAVA_MAJOR" = "$FANOUT_JDK_RELEASE" ]; then
            FOUND_JDK="$JAVA_HOME"
            return 0
        fi
    fi
    local dir
    for dir in /usr/lib/jvm/*; do
        [ -x "$dir/bin/javac" ] || continue
        java_major "$dir"
        if [ "$JAVA_MAJOR" = "$FANOUT_JDK_RELEASE" ]; then
            FOUND_JDK="$dir"
            return 0
        fi
    done
}

find_jdk
JAVA_HOME="$FOUND_JDK"
if [ -z "$JAVA_HOME" ]; then
    echo "fanout: no JDK $FANOUT_JDK_RELEASE found (set JAVA_HOME to one or install one under /usr/lib/jvm):" \
        "Fanout uses a preview API of JDK $FANOUT_JDK_RELEASE, which no other release runs" >&2
    exit 2
fi
export JAVA_HOME
if ! command -v mvn >/dev/null 2>&1; then
    echo "fanout: Maven (mvn) is not on PATH; install it (apt-get install maven)" >&2
    exit 2
fi
# Maven 3.8 calls sun.misc.Unsafe, which JDK 25 warns about on every run.
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"

FANOUT_JAR="$FANOUT_ROOT/target/fanout.jar"

# Builds target/fanout.jar (+ target/lib, target/jvm.options and the AOT caches target/*.aot)
# when it is missing or older than any source. FANOUT_BUILD_ARGS adds Maven options (scripts/image in
# CI: -Dfanout.aot.skip=true, as CI never launches with the host's caches).
#
# A jar newer than every source, with no build under way (target/.building, made under the lock
# before Maven starts and removed after it), is used without the lock: the lock (a subshell and
# flock) and find cost ~17 ms of every launch, ~10 % of a 20-row `fanout validate`. The jar is
# tested first and the marker after, so that a launch that finds the jar fresh because a build has
# just rewritten it also finds that build's marker, and waits for the lock.
build_if_needed() {
    if ! jar_is_stale && [ ! -e "$FANOUT_ROOT/target/.building" ]; then
        return 0
    fi
    (
        cd "$FANOUT_ROOT"
        exec 9>"$FANOUT_ROOT/.build.lock"
        flock 9
        if jar_is_stale; then
            echo "fanout: building (mvn package)..." >&2
            mkdir -p target
            : > target/.building
            # shellcheck disable=SC2086
            mvn -q -B --no-transfer-progress -Dstyle.color=never -DskipTests ${FANOUT_BUILD_ARGS:-} package >&2 || {
                rm -f target/.building
                echo "fanout: build failed" >&2
                exit 2
            }
        fi
        # Under the lock no build is under way: a marker left by a build that was killed goes too.
        rm -f target/.building
    )
}

# Whether target/fanout.jar is missing or older than pom.xml or anything under src/build and
# src/main (files and folders: a deleted file makes its folder newer), by the shell's own `-nt`
# tests: ~3 ms, where `find` is a process of its own on every launch.
jar_is_stale() {
    [ -f "$FANOUT_JAR" ] || return 0
    local before=":$BASHOPTS:" option file stale=1
    shopt -s globstar nullglob dotglob
    for file in "$FANOUT_ROOT/pom.xml" "$FANOUT_ROOT"/src/build/** "$FANOUT_ROOT"/src/main/**; do
        if [[ $file -nt $FANOUT_JAR ]]; then
            stale=0
            break
        fi
    done
    for option in globstar nullglob dotglob; do
        [[ $before == *":$option:"* ]] || shopt -u "$option"
    done
    return "$stale"
}
