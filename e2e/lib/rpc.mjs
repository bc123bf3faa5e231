// Wattcoin's own JSON-RPC methods (rpc/src/wattcoin.rs, docs/rpc.md) for @polkadot/api:
// `ApiPromise.create({ provider, rpc: wattcoinRpc })` adds `api.rpc.wattcoin.*`. Results are
// plain JSON (type `Json`): amounts of WATT are decimal strings, read them with BigInt().
const at = { name: 'at', type: 'Hash', isOptional: true };

export const wattcoinRpc = {
  wattcoin: {
    meterStatus: {
      description: "A meter's registry record and prepaid account: credit, debt, emergency credit, supply, tariff, announced changes, days left",
      params: [{ name: 'meter', type: 'u64' }, at],
      type: 'Json',
    },
    metersOf: {
      description: 'One page of the meters an account owns; page: { after?, limit? (1-1000, default 100) }',
      params: [{ name: 'owner', type: 'AccountId' }, { name: 'page', type: 'Json', isOptional: true }, at],
      type: 'Json',
    },
    quote: {
      description: 'What an amount of energy (Wh) costs a meter now',
      params: [{ name: 'meter', type: 'u64' }, { name: 'energyWh', type: 'u64' }, at],
      type: 'Json',
    },
  },
};

/** The JSON-RPC error codes of the `wattcoin` methods (rpc/src/wattcoin.rs, `error`). */
export const RPC_ERROR = {
  UNKNOWN_METER: 9001,
  NO_TARIFF: 9002,
  UNSUPPORTED: 9003,
  RUNTIME: 9004,
  INVALID_PARAMS: -32602,
};
