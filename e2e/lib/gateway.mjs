// Starts a real wattcoin-gateway for a test, and kills or stops it.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { bnToU8a, hexToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { sleep } from './node.mjs';

/** The gateway binary: $WATTCOIN_GATEWAY, else the release build in the target dir. */
export function gatewayBinary() {
  const targetDir = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'wattcoin', 'target');
  const bin = process.env.WATTCOIN_GATEWAY || join(targetDir, 'release', 'wattcoin-gateway');
  if (!existsSync(bin)) {
    throw new Error(`wattcoin-gateway not found at ${bin}: build it with ` +
      '`cargo build --release -p wattcoin-gateway` (or set WATTCOIN_GATEWAY)');
  }
  return bin;
}

/**
 * Starts the gateway on 127.0.0.1:`port` with its database at `db`, asking the node at
 * `nodeRpc` (http://...) for the genesis hash. Resolves once /healthz answers.
 */
export async function startGateway({ port, db, nodeRpc, args = [], logFile, timeoutMs = 60_000 }) {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(gatewayBinary(), ['--listen', `127.0.0.1:${port}`, '--db', db,
    '--node-rpc', nodeRpc, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exitInfo = null;
  const exited = new Promise((ok) => child.on('exit', (code, signal) => {
    exitInfo = { code, signal };
    log.end();
    ok(exitInfo);
  }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitInfo) throw new Error(`wattcoin-gateway exited early (${JSON.stringify(exitInfo)}); log: ${logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`wattcoin-gateway did not answer on ${url}; log: ${logFile}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return {
    url,
    child,
    exited,
    /** SIGKILL: the process gets no chance to flush anything. */
    kill: async () => { if (!exitInfo) { child.kill('SIGKILL'); await exited; } },
    /** SIGINT and wait: a clean stop. */
    stop: async () => {
      if (exitInfo) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The genesis hash the gateway at `url` serves (its /healthz). */
async function gatewayGenesis(url) {
  return (await (await fetch(`${url}/healthz`)).json()).genesis_hash;
}

/**
 * The `Authorization` of a relayer (docs/protocol.md, "Who can read what"): `uri`'s sr25519
 * key (by default //Alice, the dev chain's block author, which the gateway takes as a relayer)
 * signs `wattcoin/feed/relayer/v1` ++ genesis hash ++ the time in ms (u64 little endian).
 */
export async function relayerAuthorization(url, uri = '//Alice') {
  await cryptoWaitReady();
  const pair = new Keyring({ type: 'sr25519' }).addFromUri(uri);
  const at = Date.now();
  const message = u8aConcat(stringToU8a('wattcoin/feed/relayer/v1'),
    hexToU8a(await gatewayGenesis(url)), bnToU8a(BigInt(at), { bitLength: 64, isLe: true }));
  return `WattcoinRelayer key=${u8aToHex(pair.publicKey)}, at=${at}, signature=${u8aToHex(pair.sign(message))}`;
}

/**
 * The `Authorization` of `pair`'s account as the owner of `meter`: it signs the text
 * `wattcoin/feed/owner/v1:<genesis>:<meter>:<ms>`, as a wallet would.
 */
export async function ownerAuthorization(url, pair, meter) {
  const at = Date.now();
  const text = `wattcoin/feed/owner/v1:${await gatewayGenesis(url)}:${meter}:${at}`;
  return `WattcoinOwner account=${pair.address}, at=${at}, signature=${u8aToHex(pair.sign(stringToU8a(text)))}`;
}

/** Every reading the gateway holds, in cursor order (pages through GET /v1/readings). */
export async function allReadings(url) {
  const readings = [];
  let after = 0;
  for (;;) {
    let res;
    // A gateway just started answers 503 until it has read the chain's block authors.
    for (let attempt = 0; ; attempt++) {
      res = await fetch(`${url}/v1/readings?after=${after}&limit=1000`,
        { headers: { authorization: await relayerAuthorization(url) } });
      if (res.status !== 503 || attempt >= 60) break;
      await sleep(500);
    }
    if (!res.ok) throw new Error(`GET /v1/readings: ${res.status} ${await res.text()}`);
    const page = await res.json();
    readings.push(...page.readings);
    if (page.readings.length === 0) return readings;
    after = page.next;
  }
}
