// Lets `node` run the TypeScript benchmarks directly: compiles .ts files with @swc/core (as Jest does)
// and maps @pacman-sync/shared to its sources, so a benchmark always measures the code in the tree.
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const sharedEntry = path.join(__dirname, '..', '..', 'shared', 'src', 'index.ts');
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolve(request, ...rest) {
  return originalResolve.call(this, request === '@pacman-sync/shared' ? sharedEntry : request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const source = require('node:fs').readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022', keepClassNames: true },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
