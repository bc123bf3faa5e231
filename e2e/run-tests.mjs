// Runs every tests/*.test.mjs file, one after the other (each starts its own node and gateway,
// too heavy to run side by side on a small machine), and closes with one summary line.
//
// Why not `node --test tests/`: Node.js 22 refuses a bare directory, Node.js 18 has neither
// `--test-concurrency` nor globs in `--test`, so a list of files run one at a time is the one
// form every supported version (18, 20, 22) runs the same way.
//
//   node run-tests.mjs                 # every file
//   node run-tests.mjs ocw chain       # files whose name contains one of the words
//   node run-tests.mjs --skip upgrade  # every file but those whose name contains the word
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const MIN_MAJOR = 18;
const major = Number(process.versions.node.split('.')[0]);
if (major < MIN_MAJOR) {
  console.error(`The e2e tests need Node.js ${MIN_MAJOR} or newer; this is ${process.version}.`);
  process.exit(2);
}

const testsDir = join(fileURLToPath(new URL('.', import.meta.url)), 'tests');
const { values: { skip = [] }, positionals: filters } = parseArgs({
  options: { skip: { type: 'string', multiple: true } },
  allowPositionals: true,
});
const files = readdirSync(testsDir)
  .filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .filter((f) => !skip.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`no test file in ${testsDir} matches ${filters.join(' ')}`);
  process.exit(2);
}

/** Runs one file with the TAP reporter, echoes its output, and returns its counts. */
function runFile(file) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=tap', join(testsDir, file)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code, signal) => {
      const count = (name) => Number((out.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) || [])[1] || 0);
      resolvePromise({ file, code, signal, passed: count('pass'), failed: count('fail') });
    });
  });
}

const results = [];
for (const file of files) {
  const started = Date.now();
  console.log(`# e2e: ${file}`);
  const r = await runFile(file);
  r.seconds = Math.round((Date.now() - started) / 1000);
  // A file that crashed before reporting counts as one failure, not as nothing.
  if (r.code !== 0 && r.failed === 0) r.failed = 1;
  results.push(r);
}

console.log('\n# e2e summary');
for (const r of results) {
  console.log(`#   ${r.file}: ${r.passed} passed, ${r.failed} failed (${r.seconds} s)`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
