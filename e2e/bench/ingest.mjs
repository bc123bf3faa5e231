// The ingestion load benchmark (issue 11): a dev node whose genesis registers N meters (keys
// //Meter//i, every tariff of the dev chain, credit), a gateway simulating them at R readings
// per second, the node's off-chain worker relaying; a report from FINALIZED blocks.
//
//   node bench/ingest.mjs --meters N --rate R --minutes M [--warmup S] [--min-per-block F]
//                         [--write-docs] [--json FILE]
//
// It prints progress every block, stops everything it started (also on Ctrl-C), and exits
// non-zero when --min-per-block is given and the mean of accepted readings per finalized block
// (after the warm-up) is below it: the CI smoke run's regression floor.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { freePort, repoRoot, sleep, startDevNode } from '../lib/node.mjs';
import { FIRST_METER, WATT, benchSpec } from './spec.mjs';
import { startGateway } from '../lib/gateway.mjs';

const DOCS_START = '<!-- bench-ingest:start -->';
const DOCS_END = '<!-- bench-ingest:end -->';

const { values: opts } = parseArgs({
  options: {
    meters: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '500' },
    minutes: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '30' },
    'min-per-block': { type: 'string' },
    'write-docs': { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(0, 10).join('\n'));
  process.exit(0);
}
const number = (name, { integer = false, min = 0 } = {}) => {
  const value = Number(opts[name]);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    console.error(`--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, not ${opts[name]}`);
    process.exit(2);
  }
  return value;
};
const meters = number('meters', { integer: true, min: 1 });
const rate = number('rate', { min: 0.1 });
const minutes = number('minutes', { min: 0.1 });
const warmupS = number('warmup');
const floor = opts['min-per-block'] === undefined ? null : number('min-per-block');

const t0 = Date.now();
const log = (...args) => console.log(`[bench +${((Date.now() - t0) / 1000).toFixed(0)}s]`, ...args);

/** Sum and count of a Prometheus histogram (all label sets). */
async function histogram(url, name) {
  const text = await (await fetch(url)).text();
  let sum = 0;
  let count = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}_sum`)) sum += Number(line.split(' ').pop());
    if (line.startsWith(`${name}_count`)) count += Number(line.split(' ').pop());
  }
  return { sum, count };
}

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const max = (xs) => (xs.length ? Math.max(...xs) : 0);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'wattcoin-bench-'));
  const cleanup = [];
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    for (const stop of cleanup.reverse()) await stop().catch(() => {});
    if (!process.env.KEEP_NODE_LOGS) rmSync(dir, { recursive: true, force: true });
    else log(`logs kept in ${dir}`);
  };
  process.on('SIGINT', async () => { log('interrupted: stopping'); await stopAll(); process.exit(130); });

  try {
    log(`${meters} meters, ${rate} readings/s offered, ${minutes} min measured after ${warmupS} s warm-up`);
    const spec = await benchSpec(dir, meters, log);
    const [gatewayPort, prometheusPort] = [await freePort(), await freePort()];
    const node = await startDevNode({
      basePath: join(dir, 'node'),
      extraArgs: ['--chain', spec, '--meter-gateway', `http://127.0.0.1:${gatewayPort}`,
        '--pool-limit', '65536', '--pool-kbytes', '1048576',
        // BENCH_NODE_LOG=meters::ocw=debug (say) to see each relaying run in the node's log.
        ...(process.env.BENCH_NODE_LOG ? ['--log', process.env.BENCH_NODE_LOG] : [])],
      prometheusPort,
      timeoutMs: 300_000,
    });
    cleanup.push(node.stop);
    const { api } = node;
    const prometheus = `http://127.0.0.1:${prometheusPort}/metrics`;
    // Each simulated meter reads every `interval` seconds: meters / interval = rate.
    const interval = (meters / rate).toFixed(3);
    const gateway = await startGateway({
      port: gatewayPort,
      db: join(dir, 'gateway.sqlite'),
      nodeRpc: node.rpcUrl.replace(/^ws/, 'http'),
      // The meters ignore their supply commands: thousands of storage proofs a block would load
      // the node under test (the supply loop has its own test, e2e/tests/ocw.test.mjs). No
      // billing index either: a storage read per billed meter per block, thousands a block,
      // on the node under test (a real gateway has its own machine; it is tested in
      // e2e/tests/gateway.test.mjs and the browser tests).
      args: ['--simulate', String(meters), '--interval', interval, '--ignore-supply',
        '--no-billing-index'],
      logFile: join(dir, 'gateway.log'),
      // It derives every simulated meter's key before it answers: minutes for 100,000.
      timeoutMs: 60_000 + meters * 5,
    });
    cleanup.push(gateway.stop);
    const health = async () => (await (await fetch(`${gateway.url}/healthz`)).json());
    log(`node ${node.rpcUrl}, gateway ${gateway.url} (interval ${interval} s per meter)`);

    const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    const blocks = []; // finalized blocks, in order
    const topUps = []; // { sentAtBest, includedIn, finalizedAt }
    const refused = {};
    let lastFinalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
    let bestNumber = lastFinalized;
    let measuring = false;
    let measureStart = null;
    let before = null;
    const startStored = (await health()).readings;

    const unsubBest = await api.rpc.chain.subscribeNewHeads((header) => { bestNumber = header.number.toNumber(); });
    cleanup.push(async () => unsubBest());

    const readBlock = async (n) => {
      const hash = await api.rpc.chain.getBlockHash(n);
      const at = await api.at(hash);
      const [events, now, pending, weight] = await Promise.all([at.query.system.events(),
        at.query.timestamp.now(), api.rpc.author.pendingExtrinsics(), at.query.system.blockWeight()]);
      // The normal-class weight the block used (after refunds), in ms of the runtime's weights.
      const block = { number: n, timeMs: now.toNumber(), accepted: 0, rejected: 0, batches: 0,
        pool: pending.length, lag: bestNumber - n, stored: 0,
        weightMs: weight.normal.refTime.toBigInt() / 1_000_000_000n };
      for (const { event } of events) {
        if (event.section === 'meters' && event.method === 'ReadingsIngested') {
          block.accepted += event.data.accepted.toNumber();
          block.rejected += event.data.rejected.toNumber();
          block.batches += 1;
        } else if (event.section === 'meters' && event.method === 'ReadingRejected' && measuring) {
          const reason = event.data.reason.toString();
          refused[reason] = (refused[reason] ?? 0) + 1;
        }
      }
      return block;
    };

    // A block being read when the run stops (the gateway already stopped) is no failure; any
    // other error while reading blocks fails the run at its end.
    let readError = null;
    const unsubFinal = await api.rpc.chain.subscribeFinalizedHeads(async (header) => {
      const target = header.number.toNumber();
      try {
        while (lastFinalized < target && !stopping) {
          lastFinalized += 1;
          const block = await readBlock(lastFinalized);
          block.stored = (await health()).readings - startStored;
          if (measuring) blocks.push(block);
          log(`#${block.number}: ${block.accepted} readings accepted in ${block.batches} batch(es), ` +
            `${block.rejected} refused, pool ${block.pool}, finality lag ${block.lag}` +
            (measuring ? '' : ' (warm-up)'));
        }
      } catch (err) {
        if (!stopping && measuring) readError ??= err;
        if (!stopping) log(`reading block #${lastFinalized} failed: ${err.message}`);
      }
    });
    cleanup.push(async () => unsubFinal());

    await sleep(warmupS * 1000);
    measuring = true;
    measureStart = Date.now();
    before = {
      constructed: await histogram(prometheus, 'substrate_proposer_block_constructed'),
      imported: await histogram(prometheus, 'substrate_block_verification_and_import_time'),
      stored: (await health()).readings,
    };
    log('measuring');

    // A top-up every minute (the first at once): how many blocks until it is in a block.
    const measureMs = minutes * 60_000;
    const topUpTimer = async () => {
      for (let i = 0; Date.now() - measureStart < measureMs - 20_000; i++) {
        const sentAtBest = bestNumber;
        const entry = { sentAtBest };
        topUps.push(entry);
        api.tx.prepaid.topUp(FIRST_METER + (i % meters), WATT).signAndSend(alice, ({ status }) => {
          if (status.isInBlock && entry.includedIn === undefined) {
            entry.blockHash = status.asInBlock.toHex();
            api.rpc.chain.getHeader(status.asInBlock).then((h) => { entry.includedIn = h.number.toNumber(); });
          }
        }).catch((err) => { entry.error = err.message; });
        const next = measureStart + (i + 1) * 60_000;
        while (Date.now() < next && Date.now() - measureStart < measureMs) await sleep(500);
      }
    };
    await Promise.all([topUpTimer(), sleep(measureMs)]);
    measuring = false;
    if (readError) throw new Error(`reading the finalized blocks failed: ${readError.message}`);
    const elapsedS = (Date.now() - measureStart) / 1000;
    const after = {
      constructed: await histogram(prometheus, 'substrate_proposer_block_constructed'),
      imported: await histogram(prometheus, 'substrate_block_verification_and_import_time'),
      stored: (await health()).readings,
    };

    const accepted = blocks.reduce((a, b) => a + b.accepted, 0);
    const spanS = blocks.length > 1 ? (blocks.at(-1).timeMs - blocks[0].timeMs) / 1000 + 6 : elapsedS;
    const perHistogram = (name) => {
      const count = after[name].count - before[name].count;
      return count > 0 ? (1000 * (after[name].sum - before[name].sum)) / count : null;
    };
    const included = topUps.filter((t) => t.includedIn !== undefined).map((t) => t.includedIn - t.sentAtBest);
    const storedDuring = after.stored - before.stored;
    const report = {
      date: new Date().toISOString().slice(0, 10),
      meters,
      offeredPerS: rate,
      measuredS: Math.round(elapsedS),
      finalizedBlocks: blocks.length,
      acceptedPerS: accepted / spanS,
      acceptedPerBlock: { mean: mean(blocks.map((b) => b.accepted)), min: Math.min(...blocks.map((b) => b.accepted)),
        max: max(blocks.map((b) => b.accepted)) },
      batchesPerBlock: mean(blocks.map((b) => b.batches)),
      normalWeightMs: mean(blocks.map((b) => Number(b.weightMs))),
      refused,
      storedPerS: storedDuring / elapsedS,
      gatewayBacklogGrowthPerS: (storedDuring - accepted) / elapsedS,
      blockConstructedMs: perHistogram('constructed'),
      blockImportMs: perHistogram('imported'),
      poolSize: { mean: mean(blocks.map((b) => b.pool)), max: max(blocks.map((b) => b.pool)) },
      finalityLag: { mean: mean(blocks.map((b) => b.lag)), max: max(blocks.map((b) => b.lag)) },
      topUpInclusionBlocks: { sent: topUps.length, included: included.length, max: max(included), all: included },
    };
    // What a reading costs: the weight a block used, and its construction time, per reading.
    const perBlock = report.acceptedPerBlock.mean;
    report.weightPerReadingUs = perBlock > 0 ? (1000 * report.normalWeightMs) / perBlock : null;
    report.constructionPerReadingUs = perBlock > 0 && report.blockConstructedMs !== null
      ? (1000 * report.blockConstructedMs) / perBlock : null;
    printReport(report);
    if (opts.json) writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    if (opts['write-docs']) writeDocs(report);
    if (floor !== null && report.acceptedPerBlock.mean < floor) {
      console.error(`FAIL: ${report.acceptedPerBlock.mean.toFixed(1)} accepted readings per finalized block, below the floor of ${floor}`);
      process.exitCode = 1;
    } else if (floor !== null) {
      log(`ok: ${report.acceptedPerBlock.mean.toFixed(1)} accepted readings per block, floor ${floor}`);
    }
    if (blocks.length === 0) {
      console.error('FAIL: no finalized block during the measurement');
      process.exitCode = 1;
    }
  } finally {
    await stopAll();
  }
}

function table(report) {
  const f = (x, d = 1) => (x === null || x === undefined ? 'n/a' : Number(x).toFixed(d));
  const reasons = Object.entries(report.refused).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return [
    '| figure | value |',
    '| --- | --- |',
    `| run | ${report.date}, ${report.meters} meters, ${report.offeredPerS} readings/s offered, ${report.measuredS} s measured, ${report.finalizedBlocks} finalized blocks |`,
    `| accepted readings on finalized blocks | **${f(report.acceptedPerS)} /s**; per block mean ${f(report.acceptedPerBlock.mean)}, min ${report.acceptedPerBlock.min}, max ${report.acceptedPerBlock.max} |`,
    `| ingest batches per block | ${f(report.batchesPerBlock, 2)} |`,
    `| readings refused on chain, why | ${reasons} |`,
    `| readings stored by the gateway | ${f(report.storedPerS)} /s; backlog grows ${f(report.gatewayBacklogGrowthPerS)} /s |`,
    `| normal-class weight used per block (after refunds), mean | ${f(report.normalWeightMs)} ms of 1,500 |`,
    `| block construction (proposer), mean | ${f(report.blockConstructedMs)} ms |`,
    `| per accepted reading: weight used; construction time | ${f(report.weightPerReadingUs)} µs; ${f(report.constructionPerReadingUs)} µs |`,
    `| block verification and import, mean | ${f(report.blockImportMs)} ms |`,
    `| transaction pool at finalized blocks | mean ${f(report.poolSize.mean)}, max ${report.poolSize.max} |`,
    `| finality lag (best - finalized, blocks) | mean ${f(report.finalityLag.mean)}, max ${report.finalityLag.max} |`,
    `| top-up inclusion (blocks after the best block when sent) | ${report.topUpInclusionBlocks.included} of ${report.topUpInclusionBlocks.sent} included; max ${report.topUpInclusionBlocks.max} (${report.topUpInclusionBlocks.all.join(', ')}) |`,
  ].join('\n');
}

function printReport(report) {
  console.log(`\n${table(report)}\n`);
}

function writeDocs(report) {
  const path = join(repoRoot, 'docs', 'benchmarks.md');
  const doc = readFileSync(path, 'utf8');
  const start = doc.indexOf(DOCS_START);
  const end = doc.indexOf(DOCS_END);
  if (start < 0 || end < start) throw new Error(`${path} lacks the ${DOCS_START} ... ${DOCS_END} markers`);
  const section = `${DOCS_START}\n\n${table(report)}\n\n${DOCS_END}`;
  writeFileSync(path, doc.slice(0, start) + section + doc.slice(end + DOCS_END.length));
  log(`table written to ${path}`);
}

await main();
