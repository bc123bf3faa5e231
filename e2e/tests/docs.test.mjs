// The guides in docs/ are run as they are written: every `$ wattcoin ...` line of
// households.md and operators.md, in order, against a dev node (the CSV block of operators.md
// is the file it registers), and every `$ wattcoin-node` / `$ wattcoin-gateway` line of
// node-runners.md checked against the binary's own --help, the offline ones (chain spec, keys)
// run for real.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { nodeBinary, repoRoot, startDevNode } from '../lib/node.mjs';
import { cliBinary } from '../lib/cli.mjs';
import { gatewayBinary } from '../lib/gateway.mjs';

/** The `$ ` lines of the ```sh blocks of a doc, and the body of its first ```csv block. */
function commandsOf(doc) {
  const text = readFileSync(join(repoRoot, 'docs', doc), 'utf8');
  const commands = [];
  let csv = null;
  for (const [, lang, body] of text.matchAll(/```(\w*)\n([\s\S]*?)```/g)) {
    if (lang === 'sh') {
      for (const line of body.split('\n')) if (line.startsWith('$ ')) commands.push(line.slice(2));
    } else if (lang === 'csv' && csv === null) {
      csv = body;
    }
  }
  return { commands, csv };
}

/** The directory of the binaries under test, first on PATH for the docs' commands. */
const binDirs = () => [...new Set([dirname(cliBinary()), dirname(nodeBinary()), dirname(gatewayBinary())])];

/**
 * Runs one documented command line in bash; resolves to { status, stdout, stderr }. Not
 * spawnSync: the event loop keeps serving the test's own connection to the node meanwhile.
 */
function sh(line, { cwd, env = {} }) {
  return new Promise((ok, fail) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', line], {
      cwd,
      env: { ...process.env, ...env, PATH: `${binDirs().join(':')}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', fail);
    child.on('close', (status) => { clearTimeout(timer); ok({ status, stdout, stderr }); });
  });
}

describe('the guides for households and operators, run as written', () => {
  let node;
  let cwd;
  let env;

  before(async () => {
    node = await startDevNode();
    cwd = mkdtempSync(join(tmpdir(), 'wattcoin-docs-'));
    env = { WATTCOIN_URL: node.rpcUrl, WATTCOIN_WALLET: join(cwd, 'wallet'), WATTCOIN_PASSWORD: 'docs password' };
  });

  after(async () => {
    if (node) await node.stop();
  });

  for (const doc of ['households.md', 'operators.md']) {
    test(`every wattcoin command of docs/${doc} succeeds, in order`, async () => {
      const { commands, csv } = commandsOf(doc);
      if (csv !== null) writeFileSync(join(cwd, 'meters.csv'), csv);
      const run = commands.filter((c) => !c.includes('# run by e2e/tests/cli.test.mjs'));
      assert.ok(run.length >= 5, `${doc} documents commands (found ${run.length})`);
      for (const command of run) {
        assert.match(command, /^wattcoin /, `${doc}: a wattcoin command: ${command}`);
        const res = await sh(command, { cwd, env });
        assert.equal(res.status, 0, `${doc}: \`${command}\` exited ${res.status}:\n${res.stdout}\n${res.stderr}`);
      }
    });
  }

  test('what the guides did is on chain', async () => {
    const at = await node.api.at(await node.api.rpc.chain.getFinalizedHead());
    for (const meter of [5001, 5002, 5003, 5004]) {
      assert.ok((await at.query.meters.meters(meter)).isSome, `meter ${meter} registered`);
    }
    assert.equal((await at.query.prepaid.meterAccounts(5001)).unwrap().tariff.unwrap().toNumber(), 0);
    const household = JSON.parse(readFileSync(join(cwd, 'household.json'), 'utf8')).address;
    const free = (await at.query.system.account(household)).data.free.toBigInt();
    // 20 issued, 5 topped up, 1.5 sent, fees paid.
    assert.ok(free < 13_500_000_000_000n && free > 13_000_000_000_000n, `household holds ${free}`);
  });
});

describe('the guide for node runners: flags as the binaries know them, keys made for real', () => {
  const { commands } = commandsOf('node-runners.md');
  const helpOf = (binary, sub) => {
    const res = spawnSync(binary, [...sub, '--help'], { encoding: 'utf8' });
    assert.equal(res.status, 0, `${binary} ${sub.join(' ')} --help`);
    return res.stdout;
  };

  test('every flag of every documented command exists', () => {
    assert.ok(commands.length >= 6, `node-runners.md documents commands (found ${commands.length})`);
    for (const command of commands) {
      const words = command.split(/\s+/);
      const binary = { 'wattcoin-node': nodeBinary(), 'wattcoin-gateway': gatewayBinary() }[words[0]];
      assert.ok(binary, `a wattcoin-node or wattcoin-gateway command: ${command}`);
      const sub = [];
      for (const word of words.slice(1)) {
        if (word.startsWith('-') || sub.length === 2) break;
        sub.push(word);
      }
      // Only subcommand words, not arguments: `key insert`, `build-spec`.
      const subcommand = sub.filter((w) => /^[a-z-]+$/.test(w)).slice(0, sub[0] === 'key' ? 2 : 1);
      const help = helpOf(binary, subcommand);
      for (const flag of words.filter((w) => w.startsWith('--')).map((w) => w.split('=')[0])) {
        assert.ok(help.includes(`${flag} `) || help.includes(`${flag}\n`) || help.includes(`${flag}=`),
          `\`${words[0]} ${subcommand.join(' ')}\` has no ${flag} (docs/node-runners.md: ${command})`);
      }
    }
  });

  test('the chain spec and key commands run as written', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wattcoin-docs-node-'));
    const offline = commands.filter((c) => / (build-spec|key) /.test(c));
    assert.ok(offline.length >= 5, `chain spec and key commands (found ${offline.length})`);
    for (const command of offline) {
      const res = await sh(command, { cwd });
      assert.equal(res.status, 0, `\`${command}\` exited ${res.status}:\n${res.stderr}`);
    }
    const spec = JSON.parse(readFileSync(join(cwd, 'wattcoin.json'), 'utf8'));
    assert.ok(spec.genesis.raw, 'a raw chain spec');
    const keystores = join(cwd, 'validator', 'chains');
    const [chainId] = readdirSync(keystores);
    const keys = readdirSync(join(keystores, chainId, 'keystore'));
    // A keystore file is named by the key type's hex ("aura" = 61757261, "gran" = 6772616e).
    assert.ok(keys.some((k) => k.startsWith('61757261')), `an aura key in ${keys}`);
    assert.ok(keys.some((k) => k.startsWith('6772616e')), `a gran key in ${keys}`);
    assert.ok(existsSync(join(cwd, 'wattcoin-plain.json')));
  });
});
