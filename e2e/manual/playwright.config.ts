import base from "../../playwright.config.js";

// Long checks run by hand, never in CI: `npx playwright test -c e2e/manual/playwright.config.ts`
// (after `npx vite build`).
export default {
  ...base,
  testDir: ".",
  testIgnore: [],
  timeout: 3_600_000,
  outputDir: "../../test-results/manual",
  webServer: { ...base.webServer, cwd: "../.." },
};
