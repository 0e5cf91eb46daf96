#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the assignment's image (Ubuntu): whatever grading needs is
# installed and warmed up here, so that a submission is graded with no download and no build.
set -euo pipefail
cd "$(dirname "$0")"

# The course runs on Java 21 or newer; the grader compiles submissions, so it needs a JDK, not a JRE.
apt-get update
apt-get install -y --no-install-recommends openjdk-21-jdk-headless

# The wrapper fetches JBang from Maven Central, JBang fetches the grader's dependencies and builds it.
bash ./jbang build grader/Grade.java

# Grading the untouched stubs starts a test JVM per exercise: the first one writes the class-data-sharing
# archive later test JVMs start from. The stubs fail their tests (exit code 1), as they should.
status=0
bash ./jbang grader/Grade.java --all >/dev/null || status=$?
if [ "$status" -gt 1 ]; then
  echo "Grading the stubs failed with exit code $status: the grader does not run here." >&2
  exit "$status"
fi
