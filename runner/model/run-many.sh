#!/bin/sh
# run-many.sh LIMIT BINARY [ARGS OUT ERR STATUS]...: several lrusim runs in one sandbox.
#
# Each ARGS file holds one run's arguments, NUL-separated (so no byte of a
# schedule can become shell syntax); the run's stdout, stderr and exit
# status go to OUT, ERR and STATUS.  Each run has its own time LIMIT in
# seconds (status 124 when it ran out, timeout(1)).  runner/model/lrusim.py
# writes the ARGS and reads the rest; a run with no STATUS file never ended.
set -u
limit=$1 bin=$2
shift 2
while [ $# -ge 4 ]; do
	STATUS=$4 xargs -0 -x -a "$1" sh -c \
		'timeout -k 1 "$0" "$@"; echo $? >"$STATUS"' "$limit" "$bin" \
		>"$2" 2>"$3" </dev/null
	shift 4
done
