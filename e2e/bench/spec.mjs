// The benchmark chain: the dev chain spec with N meters registered at genesis, for the load
// benchmark (ingest.mjs) and the storage benchmark (storage.mjs).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cryptoWaitReady, encodeAddress, keyExtractPath, keyFromPath, mnemonicToMiniSecret, sr25519PairFromSeed,
} from '@polkadot/util-crypto';

/** The dev accounts' phrase, from which `//Meter//i` is derived (as `Keyring.addFromUri` does). */
const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
import { nodeBinary } from '../lib/node.mjs';

export const WATT = 10n ** 12n;
/** The first meter id; meter `FIRST_METER + i` has the device key `//Meter//i`. */
export const FIRST_METER = 1000;

/**
 * Writes the raw dev chain spec with `count` meters (sr25519 device keys //Meter//i, the dev
 * chain's tariffs in turn, 1,000 WATT of credit each) into `dir`; returns its path.
 */
export async function benchSpec(dir, count, log = console.log) {
  await cryptoWaitReady();
  const node = nodeBinary();
  const plain = JSON.parse(execFileSync(node, ['export-chain-spec', '--chain', 'dev'],
    { maxBuffer: 256 << 20 }).toString());
  const patch = plain.genesis.runtimeGenesis.patch;
  const [template] = patch.meters.meters;
  const [, , owner, operator] = template;
  // The phrase's seed once (2,048 rounds of PBKDF2), then each meter's hard derivation.
  const root = sr25519PairFromSeed(mnemonicToMiniSecret(DEV_PHRASE));
  const tariffs = patch.prepaid.tariffs.length;
  patch.meters.meters = [];
  patch.meters.ratedPowers = [];
  patch.prepaid.meters = [];
  const step = Math.max(1000, 10 ** Math.floor(Math.log10(Math.max(count, 1)) - 1));
  for (let i = 0; i < count; i++) {
    const id = FIRST_METER + i;
    const key = encodeAddress(keyFromPath(root, keyExtractPath(`//Meter//${i}`).path, 'sr25519').publicKey, 42);
    patch.meters.meters.push([id, { Sr25519: key }, owner, operator, []]);
    // Every tariff of the dev chain in turn (flat; time of use with a tier), 1,000 WATT each.
    patch.prepaid.meters.push([id, i % tariffs, Number(1000n * WATT)]);
    if ((i + 1) % step === 0) log(`genesis: ${i + 1} of ${count} meters`);
  }
  const plainPath = join(dir, 'bench-plain.json');
  writeFileSync(plainPath, JSON.stringify(plain));
  log('building the raw chain spec');
  const raw = execFileSync(node, ['build-spec', '--chain', plainPath, '--raw', '--disable-default-bootnode'],
    { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  const rawPath = join(dir, 'bench-raw.json');
  writeFileSync(rawPath, raw);
  return rawPath;
}
