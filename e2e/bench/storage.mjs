// The database weights of this machine (issue 11, item 3): a chain whose genesis registers N
// meters is started until it has finalized a few blocks, stopped, and its ParityDB database
// measured with `wattcoin-node benchmark storage`, which writes `paritydb_weights.rs`.
//
//   node bench/storage.mjs --meters N [--blocks B] [--weight-path DIR] [--keys-limit K]
//                          [--batch-size S]
//
// The chain runs on the usual node (WATTCOIN_NODE, else the release build); the benchmark needs
// the node built with `--features runtime-benchmarks` (the only build with the `benchmark`
// subcommand): WATTCOIN_BENCH_NODE, else the one scripts/benchmark.sh builds. `scripts/bench-storage.sh`
// builds both and runs this.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, sleep, startDevNode } from '../lib/node.mjs';
import { FIRST_METER, benchSpec } from './spec.mjs';

const { values: opts } = parseArgs({
  options: {
    meters: { type: 'string', default: '100000' },
    blocks: { type: 'string', default: '3' },
    'weight-path': { type: 'string' },
    'keys-limit': { type: 'string' },
    'batch-size': { type: 'string', default: '10000' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(0, 8).join('\n'));
  process.exit(0);
}
const positive = (name) => {
  const value = Number(opts[name]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer, not ${opts[name]}`);
    process.exit(2);
  }
  return value;
};
const meters = positive('meters');
const blocks = positive('blocks');
const keysLimit = opts['keys-limit'] === undefined ? null : positive('keys-limit');

const benchNode = process.env.WATTCOIN_BENCH_NODE
  || join(homedir(), '.cache', 'wattcoin', 'bench-target', 'release', 'wattcoin-node');
if (!existsSync(benchNode)) {
  console.error(`no benchmarking node at ${benchNode}: build it with scripts/bench-storage.sh`);
  process.exit(2);
}
const t0 = Date.now();
const log = (...args) => console.log(`[storage +${((Date.now() - t0) / 1000).toFixed(0)}s]`, ...args);

/** Runs `bin args`, its output shown as it comes; rejects on a non-zero exit. */
function run(bin, args) {
  return new Promise((ok, fail) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', fail);
    child.on('exit', (code, signal) => (code === 0 ? ok()
      : fail(new Error(`${bin} ${args[0]} ${args[1]} exited with ${code ?? signal}`))));
  });
}

/**
 * The state one meter adds to the chain: for a sample of the genesis meters, the key and
 * value bytes of every storage item kept per meter, in every pallet (as stored: SCALE value,
 * hashed key).
 */
async function stateBytesPerMeter({ api, provider }) {
  const items = [
    ['meters', 'meters'], ['meters', 'meterMetadata'], ['meters', 'readingsUnderReview'],
    ['prepaid', 'meterAccounts'],
  ];
  const sample = Array.from({ length: Math.min(100, meters) }, (_, i) => FIRST_METER + i * Math.floor(meters / Math.min(100, meters)));
  let total = 0;
  for (const [pallet, item] of items) {
    let keyBytes = 0;
    let valueBytes = 0;
    let present = 0;
    for (const id of sample) {
      const key = api.query[pallet][item].key(id);
      // The raw method: a number, or null when nothing is stored under the key.
      const size = await provider.send('state_getStorageSize', [key]);
      if (size !== null) {
        present += 1;
        keyBytes += (key.length - 2) / 2;
        valueBytes += Number(size);
      }
    }
    const perMeter = (keyBytes + valueBytes) / sample.length;
    total += perMeter;
    log(`state per meter: ${pallet}.${item}: ${present} of ${sample.length} meters, ` +
      `key ${present ? keyBytes / present : 0} B + value ${present ? (valueBytes / present).toFixed(1) : 0} B; ` +
      `${perMeter.toFixed(1)} B a meter`);
  }
  log(`state per meter, all pallets: ${total.toFixed(1)} B (keys and values, before trie nodes)`);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'wattcoin-storage-'));
  const basePath = join(dir, 'node');
  try {
    log(`a chain with ${meters} meters`);
    const spec = await benchSpec(dir, meters, log);
    const node = await startDevNode({ basePath, extraArgs: ['--chain', spec], timeoutMs: 900_000 });
    try {
      for (;;) {
        const finalized = (await node.api.rpc.chain.getHeader(
          await node.api.rpc.chain.getFinalizedHead())).number.toNumber();
        if (finalized >= blocks) break;
        await sleep(1_000);
      }
      await stateBytesPerMeter(node);
      log(`${blocks} blocks finalized; stopping the node`);
    } finally {
      await node.stop();
    }
    const args = ['benchmark', 'storage', '--chain', spec, '--base-path', basePath,
      '--database', 'paritydb', '--state-version', '1', '--warmups', '1',
      '--template-path', join(repoRoot, '.maintain', 'paritydb-weight-template.hbs')];
    if (keysLimit) args.push('--keys-limit', String(keysLimit));
    // Writes are measured in batches (each with its storage root and commit): a batch the
    // size of a full block's writes (a few thousand to ten thousand keys), not the CLI's
    // default of 100,000, which also leaves only two samples on a chain of 200,000 keys.
    args.push('--batch-size', String(positive('batch-size')));
    if (opts['weight-path']) args.push('--weight-path', resolve(opts['weight-path']));
    log(`wattcoin-node ${args.join(' ')}`);
    const start = Date.now();
    await run(benchNode, args);
    log(`benchmark storage took ${((Date.now() - start) / 1000).toFixed(0)} s`);
  } catch (err) {
    log(`the chain and the node's log are kept in ${dir}`);
    throw err;
  }
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
