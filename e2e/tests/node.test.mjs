// The node's own settings: --meter-gateway is checked as the off-chain worker reads it, and
// the flag is the setting (a URL stored by an earlier run does not outlive it).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { nodeBinary, startDevNode } from '../lib/node.mjs';

const GATEWAY_URL_KEY = u8aToHex(stringToU8a('wattcoin::meters::gateway-url'));

describe('wattcoin-node --meter-gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wattcoin-e2e-kept-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a URL the worker could not use is refused at start', () => {
    for (const url of ['ftp://127.0.0.1:8080', 'http://', 'http://127.0.0.1:8080/?x=1']) {
      const run = spawnSync(nodeBinary(), ['--dev', '--tmp', '--meter-gateway', url],
        { encoding: 'utf8', timeout: 30_000 });
      assert.notEqual(run.status, 0, `${url} must be refused`);
      assert.match(run.stderr + run.stdout, /--meter-gateway must be an http/);
    }
  });

  test('the stored URL is removed when a restart has no --meter-gateway', async () => {
    const first = await startDevNode({
      basePath: dir, extraArgs: ['--meter-gateway', 'http://127.0.0.1:9/'],
    });
    try {
      const stored = await first.provider.send('offchain_localStorageGet', ['PERSISTENT', GATEWAY_URL_KEY]);
      assert.equal(stored, u8aToHex(stringToU8a('http://127.0.0.1:9')), 'stored, normalised');
    } finally {
      await first.stop();
    }
    const second = await startDevNode({ basePath: dir });
    try {
      const stored = await second.provider.send('offchain_localStorageGet', ['PERSISTENT', GATEWAY_URL_KEY]);
      assert.equal(stored, null, 'no flag, no gateway');
    } finally {
      await second.stop();
    }
  });
});
