#!/usr/bin/env node
'use strict';
// Thin launcher: the program is the compiled dist/main.js.
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'main.js');
let program;
try {
  program = require(entry);
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(entry)) {
    process.stderr.write(
      `pacman-sync: the client is not built (${entry} is missing); run "npx nx run tray-client:build"\n`,
    );
    process.exit(1);
  }
  throw error;
}
program.run(process.argv.slice(2));
