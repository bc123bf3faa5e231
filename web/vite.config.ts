import { defineConfig } from 'vitest/config';

// A static single-page app: `npm run build` writes `dist/`, which the meter gateway serves
// (`wattcoin-gateway --web web/dist`). `npm run dev` serves it with hot reload and forwards
// the gateway's API to a gateway on 127.0.0.1:8080, so the app's requests stay same-origin.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
  // The unit tests of the page's own logic; tests/ holds the browser tests (node --test).
  test: { include: ['src/**/*.test.ts'] },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' } },
});
