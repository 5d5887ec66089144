import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './fixtures/browser.js';

const baseURL = process.env.E2E_BASE_URL;
if (!baseURL) {
  throw new Error('E2E_BASE_URL is not set: run the end-to-end journeys through `npm test`, which starts LiveKit and the server.');
}

export default defineConfig({
  testDir: 'tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  // Two browsers with live video already keep both cores busy.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // E2E_RESULTS: where the JSON results go (the journeys on the cluster write their own file).
  reporter: [['list'], ['json', { outputFile: process.env.E2E_RESULTS ?? 'playwright-report/results.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    permissions: ['camera', 'microphone'],
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
});
