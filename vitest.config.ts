import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // A missing snapshot fails, here as in CI, instead of being written from whatever the code
    // prints now; `npm run test:update` (vitest --update=all) is the one way to write snapshots.
    update: 'none',
  },
});
