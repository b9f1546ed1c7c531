#!/bin/sh
# An external handler in plain shell: the payload JSON arrives on stdin, and
# the outcome is the exit code (0 success, 75 retry later, 65 bad input).
payload=$(cat)
echo "greet: job $SPAWNQ_JOB_ID (attempt $SPAWNQ_ATTEMPT) got $payload"
printf '{"progress":1.0,"message":"greeted"}\n' >&3 2>/dev/null || true
exit 0
