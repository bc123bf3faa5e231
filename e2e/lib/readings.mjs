// Signed meter readings and authorized (general, extrinsic v5) ingestion transactions,
// built the way docs/protocol.md specifies them, independently of the Rust code.
import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aConcat, u8aToHex, compactAddLength } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';

export const DOMAIN_TAG = stringToU8a('wattcoin/reading/v2');
export const DEV_METER_ID_BASE = 1000n;

/** The sr25519 key pair of dev meter i (`//Meter//{i}`). */
export async function devMeterPair(i) {
  await cryptoWaitReady();
  return new Keyring({ type: 'sr25519' }).addFromUri(`//Meter//${i}`);
}

/** The signing payload: the domain tag, the genesis hash and the SCALE reading. */
export function signingPayload(api, reading) {
  const encoded = api.createType('(u64, u64, u64, u64, u8)', [
    reading.meter, reading.seq, reading.atMs, reading.cumulativeWh, reading.flags ?? 0,
  ]).toU8a();
  return u8aConcat(DOMAIN_TAG, api.genesisHash.toU8a(), encoded);
}

/** A `SignedReading` as the runtime's call argument expects it. */
export function signReading(api, pair, reading) {
  const signature = pair.sign(signingPayload(api, reading));
  return {
    reading: {
      meter: reading.meter, seq: reading.seq, atMs: reading.atMs,
      cumulativeWh: reading.cumulativeWh, flags: reading.flags ?? 0,
    },
    signature: { Sr25519: signature },
  };
}

/**
 * Dev meter 1000's first two readings, signed: 10,000 Wh a minute ago, then 10,750 Wh now
 * (750 Wh billed between them).
 */
export async function firstTwoReadings(api, now = BigInt(Date.now())) {
  const pair = await devMeterPair(0);
  return [
    signReading(api, pair, { meter: DEV_METER_ID_BASE, seq: 1n, atMs: now - 60_000n, cumulativeWh: 10_000n }),
    signReading(api, pair, { meter: DEV_METER_ID_BASE, seq: 2n, atMs: now, cumulativeWh: 10_750n }),
  ];
}

/**
 * An authorized general transaction (extrinsic v5) carrying `call`, hex encoded.
 *
 * Layout: compact length, the version byte 0x45 (general, v5), the extension version (0), the
 * explicit data of each transaction extension in the runtime's order (immortal era 0x00,
 * nonce compact 0, tip compact 0, metadata-hash mode 0; the others carry none), the call.
 */
export function authorizedTransaction(api, call) {
  const extensions = api.registry.signedExtensions;
  const expected = ['AuthorizeCall', 'CheckNonZeroSender', 'CheckSpecVersion', 'CheckTxVersion',
    'CheckGenesis', 'CheckMortality', 'CheckNonce', 'CheckWeight', 'ChargeTransactionPayment',
    'CheckMetadataHash', 'WeightReclaim'];
  if (JSON.stringify(extensions) !== JSON.stringify(expected)) {
    throw new Error(`unexpected transaction extensions: ${extensions.join(', ')}`);
  }
  const body = u8aConcat(new Uint8Array([0x45, 0x00, 0x00, 0x00, 0x00, 0x00]), call.method.toU8a());
  return u8aToHex(compactAddLength(body));
}

/**
 * Submits a raw extrinsic through the provider, without client-side decoding; resolves to its
 * hash or rejects with the pool's error.
 */
export function submitRaw(provider, hex) {
  return provider.send('author_submitExtrinsic', [hex]);
}
