// The four off-chain workers complement each other (pallet_meters::offchain::partition): each
// relays the readings of its share of the meters (meter % 4 = its place among the block
// authors), so a batch on chain carries one share's readings, and the shares of at least three
// relayers reach the chain. Without the partition each worker packs every meter's readings.
// Readings older than a handover (30 s, taken over from a relayer that did not bring them)
// may join another share's batch; they are left out of the check.
const { waitFor, withApi } = require('./common.js');

const HANDOVER_MS = 30_000n;
const BLOCKS = 15;

async function run(nodeName, networkInfo) {
  return withApi(networkInfo, nodeName, async (api) => {
    const relayers = (await api.query.aura.authorities()).length;
    const finalized = await waitFor(async () => {
      const head = await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());
      return head.number.toNumber() > BLOCKS ? head.number.toNumber() : null;
    }, 100_000, `${BLOCKS} finalized blocks`);
    let batches = 0;
    const shares = new Set();
    for (let number = finalized - BLOCKS + 1; number <= finalized; number++) {
      const hash = await api.rpc.chain.getBlockHash(number);
      const [{ block }, now] = await Promise.all([
        api.rpc.chain.getBlock(hash),
        (await api.at(hash)).query.timestamp.now(),
      ]);
      for (const xt of block.extrinsics) {
        if (xt.method.section !== 'meters' || xt.method.method !== 'ingestReadings') continue;
        const fresh = xt.method.args[0]
          .filter((signed) => now.toBigInt() - signed.reading.atMs.toBigInt() < HANDOVER_MS)
          .map((signed) => signed.reading.meter.toNumber() % relayers);
        if (fresh.length === 0) continue;
        batches += 1;
        const classes = new Set(fresh);
        if (classes.size > 1) {
          throw new Error(`block #${number}: one batch carries fresh readings of the shares ` +
            `${[...classes].join(', ')}: the relayers did not split the meters`);
        }
        shares.add(fresh[0]);
      }
    }
    if (batches < 8) throw new Error(`only ${batches} batches of fresh readings in ${BLOCKS} blocks`);
    if (shares.size < 3) {
      throw new Error(`only the shares ${[...shares].join(', ')} of ${relayers} reached the chain`);
    }
    console.log(`${batches} batches in blocks #${finalized - BLOCKS + 1} to #${finalized}, each ` +
      `one relayer's share; shares ${[...shares].sort().join(', ')} of ${relayers} relayed`);
    return 1;
  });
}

module.exports = { run };
