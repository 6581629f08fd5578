#!/usr/bin/env node
// Runs Cairn's TypeScript sources directly (tsx), so `npm start` needs no build step.
import { requireSupportedNode } from './node-version.js';

requireSupportedNode();
const { register } = await import('tsx/esm/api');
register();
await import('../src/main.ts');
