#!/usr/bin/env bash
# The long reliability suite: runs test/reliability/*.test.ts with recording on (each part writes its
# figures to test/reliability/results/), then renders RELIABILITY.md's figures section from the records,
# whether the run passed or not. Extra arguments go to mocha (e.g. -g crash).
set -uo pipefail
cd "$(dirname "$0")/.."
# Like .ci/run: the machine's PostgreSQL when one answers, else the suite starts embedded-postgres itself.
if [ -z "${TEST_DATABASE_URL:-}" ] && node -e "
const s=require('net').connect(5432,'127.0.0.1');
s.on('connect',()=>{s.end();process.exit(0)});s.on('error',()=>process.exit(1));
setTimeout(()=>process.exit(1),2000);"; then
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
fi
RELIABILITY_RECORD=1 npx mocha --no-config --require out/test/setup.js --timeout 0 --exit --enable-source-maps 'out/test/reliability/**/*.test.js' "$@"
status=$?
node out/test/reliability/report.js
exit $status
