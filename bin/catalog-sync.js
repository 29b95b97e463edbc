#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (built by `npm run build`, which `npm install` runs through `prepare`).
// dist/ mirrors src/, so files the code finds relative to itself (mappings/) resolve the same way from here.
let main;
try {
  ({ main } = await import('../dist/cli/main.js'));
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('catalog-sync: dist/ is missing; run `npm run build` (npm install does it) first\n');
    process.exit(1);
  }
  throw error;
}
process.exitCode = await main(process.argv);
