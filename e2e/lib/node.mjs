// Starts a real wattcoin-node for a test and stops it again, whatever happens.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { wattcoinRpc } from './rpc.mjs';

// fileURLToPath, not import.meta.dirname: the tests run on Node.js 18, which lacks it.
const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** The node binary under test: $WATTCOIN_NODE, else the release build in the target dir. */
export function nodeBinary() {
  const targetDir = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'wattcoin', 'target');
  const bin = process.env.WATTCOIN_NODE || join(targetDir, 'release', 'wattcoin-node');
  if (!existsSync(bin)) {
    throw new Error(`wattcoin-node not found at ${bin}: build it with ` +
      '`cargo build --release -p wattcoin-node` (or set WATTCOIN_NODE)');
  }
  return bin;
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/**
 * Starts `wattcoin-node --dev` on free ports in a temporary base path and connects
 * @polkadot/api to it (with Wattcoin's RPC methods, `api.rpc.wattcoin`). Returns { api, provider, rpcUrl, stop, logFile, exited, ... }.
 * The node's output goes to a log file whose path is printed when something fails.
 */
export async function startDevNode({ extraArgs = [], timeoutMs = 60_000, basePath: keptPath, prometheusPort } = {}) {
  const bin = nodeBinary();
  const [rpcPort, p2pPort] = [await freePort(), await freePort()];
  // A `basePath` given by the caller is the caller's to remove (to restart on the same state).
  const basePath = keptPath ?? mkdtempSync(join(tmpdir(), 'wattcoin-e2e-'));
  // The log is opened at once: the node itself creates a base path only once it has read its
  // chain spec (seconds for a spec of 100,000 meters).
  mkdirSync(basePath, { recursive: true });
  const logFile = join(basePath, 'node.log');
  const log = createWriteStream(logFile);
  const args = ['--dev', '--base-path', basePath, '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    ...(prometheusPort ? ['--prometheus-port', String(prometheusPort)] : ['--no-prometheus']),
    '--no-telemetry', '--no-mdns',
    '--rpc-cors', 'all', ...extraArgs];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);

  let exitInfo = null;
  const exited = new Promise((ok) => child.on('exit', (code, signal) => {
    exitInfo = { code, signal };
    ok(exitInfo);
  }));

  const rpcUrl = `ws://127.0.0.1:${rpcPort}`;
  let api;
  let provider;
  const stop = async () => {
    if (api) await api.disconnect().catch(() => {});
    if (!exitInfo) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
    if (!process.env.KEEP_NODE_LOGS && !keptPath) rmSync(basePath, { recursive: true, force: true });
  };

  try {
    ({ api, provider } = await connect(rpcUrl, () => exitInfo, timeoutMs, logFile));
  } catch (err) {
    await stop();
    throw err;
  }
  return { api, provider, rpcUrl, stop, logFile, exited, child, basePath };
}

async function connect(rpcUrl, exitInfo, timeoutMs, logFile) {
  // The RPC server answers plain HTTP on the same port: poll it until the node is up, then
  // open the websocket once (a WsProvider left retrying would keep the test process alive).
  const httpUrl = rpcUrl.replace(/^ws/, 'http');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const died = exitInfo();
    if (died) throw new Error(`wattcoin-node exited early (${JSON.stringify(died)}); log: ${logFile}`);
    if (Date.now() > deadline) throw new Error(`wattcoin-node did not answer on ${rpcUrl}; log: ${logFile}`);
    try {
      const res = await fetch(httpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_health', params: [] }),
      });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  const provider = new WsProvider(rpcUrl, false);
  await provider.connect();
  await waitFor(() => provider.isConnected, 10_000, 'the websocket');
  const api = await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true, rpc: wattcoinRpc });
  return { api, provider };
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Waits until `predicate()` is truthy, polling, or throws after `ms`. */
export async function waitFor(predicate, ms, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * Signs and sends `tx`, resolving once it is in a block with { blockHash, events, dispatchError }.
 * Rejects if the pool refuses the transaction.
 */
export function sendAndWait(tx, signer, options = {}) {
  return new Promise((ok, fail) => {
    let unsub;
    tx.signAndSend(signer, options, (result) => {
      const { status, events, dispatchError } = result;
      if (status.isInBlock || status.isFinalized) {
        if (unsub) unsub();
        ok({ blockHash: status.isInBlock ? status.asInBlock : status.asFinalized, events, dispatchError });
      } else if (status.isInvalid || status.isDropped || status.isUsurped) {
        if (unsub) unsub();
        fail(new Error(`transaction ${status.type}`));
      }
    }).then((u) => { unsub = u; }, fail);
  });
}

export { repoRoot };
