// Runs Wattcoin's network tests: one meter gateway simulating meters, four validators
// spawned by zombienet's native provider (network.toml), and the assertions of network.zndsl.
// Stops every process it started, whatever happens; keeps the logs only with --keep-logs.
//
//   node run.mjs [--keep-logs]
//
// Binaries: $WATTCOIN_NODE and $WATTCOIN_GATEWAY, else the release builds in
// $CARGO_TARGET_DIR (default ~/.cache/wattcoin/target).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: options } = parseArgs({ options: { 'keep-logs': { type: 'boolean', default: false } } });
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
const log = (message) => console.log(`[network-tests ${elapsed()}] ${message}`);

const targetDir = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'wattcoin', 'target');
const nodeBin = process.env.WATTCOIN_NODE || join(targetDir, 'release', 'wattcoin-node');
const gatewayBin = process.env.WATTCOIN_GATEWAY || join(targetDir, 'release', 'wattcoin-gateway');
for (const [name, bin] of [['wattcoin-node', nodeBin], ['wattcoin-gateway', gatewayBin]]) {
  if (!existsSync(bin)) {
    console.error(`${name} not found at ${bin}: build the workspace first (./scripts/test.sh does)`);
    process.exit(2);
  }
}

/** A TCP port free on 127.0.0.1 now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Processes whose command line mentions `text` (the network's directory), from /proc. */
function processesMentioning(text) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text)) pids.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return pids;
}

const dir = mkdtempSync(join(tmpdir(), 'wattcoin-network-'));
const networkDir = join(dir, 'network');
const gatewayPort = await freePort();
const aliceRpcPort = await freePort();
const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
log(`logs and data in ${dir}${options['keep-logs'] ? ' (kept)' : ' (removed at the end; --keep-logs keeps them)'}`);

// The gateway asks Alice for the genesis hash, retrying until she is up; the workers retry
// until it answers.
const gatewayLog = createWriteStream(join(dir, 'gateway.log'));
const gateway = spawn(gatewayBin, ['--listen', `127.0.0.1:${gatewayPort}`, '--db', join(dir, 'gateway.sqlite'),
  '--node-rpc', `http://127.0.0.1:${aliceRpcPort}`,
  // Four meters, a reading every 2 s at ten times a household's load.
  '--simulate', '4', '--interval', '2', '--simulate-scale', '1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
gateway.stdout.pipe(gatewayLog);
gateway.stderr.pipe(gatewayLog);
const gatewayExited = new Promise((resolve) => gateway.on('exit', resolve));
log(`gateway on ${gatewayUrl} (pid ${gateway.pid})`);

let zombienet;
let code = 1;
const stopAll = async () => {
  if (zombienet && zombienet.exitCode === null) zombienet.kill('SIGINT');
  if (gateway.exitCode === null) {
    gateway.kill('SIGINT');
    const timer = setTimeout(() => gateway.kill('SIGKILL'), 10_000);
    await gatewayExited;
    clearTimeout(timer);
  }
  // Zombienet stops its nodes when a test ends; a node it left behind is killed here.
  for (const pid of processesMentioning(networkDir)) {
    log(`killing left-over process ${pid}`);
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    log(`${signal}: stopping everything`);
    await stopAll();
    process.exit(130);
  });
}

try {
  const cli = join(here, 'node_modules', '@zombienet', 'cli', 'dist', 'cli.js');
  zombienet = spawn(process.execPath, [cli, '--provider', 'native', '--dir', networkDir, '--force',
    'test', join(here, 'network.zndsl')], {
    cwd: here,
    stdio: 'inherit',
    env: { ...process.env, WATTCOIN_NODE: nodeBin, WATTCOIN_GATEWAY_URL: gatewayUrl,
      ALICE_RPC_PORT: String(aliceRpcPort) },
  });
  code = await new Promise((resolve) => zombienet.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
} finally {
  await stopAll();
  if (code !== 0 || options['keep-logs']) {
    log(`logs kept in ${dir} (nodes: ${networkDir}/*.log, gateway: ${dir}/gateway.log)`);
  } else {
    rmSync(dir, { recursive: true, force: true });
  }
}
log(code === 0 ? 'network tests passed' : `network tests FAILED (zombienet exited with ${code})`);
process.exit(code);
