// Readings relayed by the four validators' off-chain workers are billed exactly once: at a
// finalized block, the flat-tariff meter's credit equals what the tariff charges for the
// energy the gateway reports between its first reading (the baseline) and its last reading on
// chain. A reading billed twice would take more; one lost would take less.
const { Keyring } = require('@polkadot/keyring');
const { bnToU8a, hexToU8a, stringToU8a, u8aConcat, u8aToHex } = require('@polkadot/util');
const { cryptoWaitReady } = require('@polkadot/util-crypto');
const { waitFor, withApi } = require('./common.js');

const WATT = 10n ** 12n;
const FLAT_PRICE_PER_WH = 250_000_000n; // tariff 0: 0.25 WATT per kWh
const FLAT_METER = 1002; // flat tariff, 50 WATT at genesis
const METER_CREDIT = 50n * WATT;
const MIN_READINGS = 8;

/**
 * The gateway serves its feed to relayers only (docs/protocol.md, "Who can read what"): this
 * script reads it as alice's block author key, which the gateway takes from the chain.
 */
async function relayerAuthorization(url) {
  await cryptoWaitReady();
  const pair = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const genesis = (await (await fetch(`${url}/healthz`)).json()).genesis_hash;
  const at = Date.now();
  const message = u8aConcat(stringToU8a('wattcoin/feed/relayer/v1'), hexToU8a(genesis),
    bnToU8a(BigInt(at), { bitLength: 64, isLe: true }));
  return `WattcoinRelayer key=${u8aToHex(pair.publicKey)}, at=${at}, signature=${u8aToHex(pair.sign(message))}`;
}

async function gatewayReadings(meter) {
  const url = process.env.WATTCOIN_GATEWAY_URL;
  const readings = [];
  let after = 0;
  for (;;) {
    let res;
    // A gateway just started answers 503 until it has read the chain's block authors.
    for (let attempt = 0; ; attempt++) {
      res = await fetch(`${url}/v1/readings?after=${after}&limit=1000`,
        { headers: { authorization: await relayerAuthorization(url) } });
      if (res.status !== 503 || attempt >= 60) break;
      await new Promise((ok) => setTimeout(ok, 500));
    }
    if (!res.ok) throw new Error(`GET /v1/readings: ${res.status} ${await res.text()}`);
    const page = await res.json();
    readings.push(...page.readings.filter((r) => r.meter === meter));
    if (page.readings.length === 0) return readings;
    after = page.next;
  }
}

async function run(nodeName, networkInfo) {
  return withApi(networkInfo, nodeName, async (api) => {
    const at = await waitFor(async () => {
      const finalized = await api.at(await api.rpc.chain.getFinalizedHead());
      const info = (await finalized.query.meters.meters(FLAT_METER)).unwrap();
      return info.lastSeq.toNumber() >= MIN_READINGS ? finalized : null;
    }, 200_000, `${MIN_READINGS} readings of meter ${FLAT_METER} finalized`);
    const info = (await at.query.meters.meters(FLAT_METER)).unwrap();
    const readings = await gatewayReadings(FLAT_METER);
    const first = readings.find((r) => r.seq === 1);
    const last = readings.find((r) => r.seq === info.lastSeq.toNumber());
    if (!first || !last) throw new Error('the gateway lacks the baseline or the last billed reading');
    if (info.lastCumulativeWh.toBigInt() !== BigInt(last.cumulative_wh)) {
      throw new Error(`the chain's mark ${info.lastCumulativeWh} is not the gateway's ${last.cumulative_wh}`);
    }
    const energyWh = BigInt(last.cumulative_wh) - BigInt(first.cumulative_wh);
    const credit = (await at.call.prepaidApi.meterStatus(FLAT_METER)).unwrap().credit.toBigInt();
    // No whole day has passed since the baseline: no standing charge yet.
    const expected = METER_CREDIT - energyWh * FLAT_PRICE_PER_WH;
    if (credit !== expected) {
      throw new Error(`meter ${FLAT_METER}: credit ${credit} after ${info.lastSeq} readings ` +
        `(${energyWh} Wh), the tariff says ${expected}`);
    }
    console.log(`meter ${FLAT_METER}: ${info.lastSeq} readings, ${energyWh} Wh, credit ${credit} ` +
      'as the tariff says: billed exactly once');
    return 1;
  });
}

module.exports = { run };
