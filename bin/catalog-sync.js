#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so a fresh `npm install` needs no build step
// and the binary can never run stale compiled output.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
