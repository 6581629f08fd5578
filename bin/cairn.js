#!/usr/bin/env node
// The `cairn` command-line tool (package bin): runs src/cli/main.ts through tsx.
import { requireSupportedNode } from './node-version.js';

requireSupportedNode();
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli/main.ts');
