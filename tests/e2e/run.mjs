// Runs the web client's and the SDK's end-to-end tests (tests/e2e/*.test.mjs, node:test)
// one file after another and ends with one line for tests/run.sh:
//   e2e: N passed, M failed
// Usage, from the repository root: node tests/e2e/run.mjs [FILE_FILTER]
// chatd is $CHATD_BIN (default build/chatd); the browser is /usr/bin/chromium
// (Debian's chromium) driven by playwright-core (npm ci in tests/e2e). A
// missing one is a failure, never a skip.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { finished } from 'node:stream/promises';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chatdBinary } from './support/chatd.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
process.env.CHATD_BIN = chatdBinary();  // absolute, for the test processes

function fail(why) {
  console.error(`e2e: cannot run: ${why}`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
}

if (!existsSync('/usr/bin/chromium')) fail('/usr/bin/chromium is missing (apt-get install chromium; scripts/deps.sh does)');
for (const dependency of ['playwright-core', 'ws']) {
  if (!existsSync(path.join(here, `node_modules/${dependency}/package.json`))) {
    fail(`${dependency} is missing (cd tests/e2e && npm ci; scripts/deps.sh does)`);
  }
}
if (!existsSync(process.env.CHATD_BIN)) fail(`no chatd at ${process.env.CHATD_BIN}`);

const filter = process.argv[2] || '';
const files = readdirSync(here).filter((f) => f.endsWith('.test.mjs') && f.includes(filter)).sort()
  .map((f) => path.join(here, f));
if (files.length === 0) fail(`no test file matches "${filter}"`);

let passed = 0;
let failed = 0;
const started = Date.now();
const stream = run({ files, concurrency: 1, timeout: 120000 });
// Top-level tests only; a file that fails to load counts as one failure.
stream.on('test:pass', (data) => { if (data.nesting === 0 && !data.skip && !data.todo) passed++; });
stream.on('test:fail', (data) => { if (data.nesting === 0) failed++; });
const report = stream.compose(spec);
report.pipe(process.stdout);
await finished(report);
console.log(`e2e: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
