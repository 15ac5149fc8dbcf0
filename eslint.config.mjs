// One lint setup for the workspace. Module boundaries are enforced with no-restricted-imports:
// the shared library imports no app, the apps never import each other, and nothing reaches ../shared.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noAppImports = (...apps) =>
  apps.flatMap((app) => [`**/${app}/**`, `@pacman-sync/${app}`, `@pacman-sync/${app}/**`]);

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dist-*/**',
      '**/coverage/**',
      '.nx/**',
      'test-output/**',
      'admin-ui/src/app/api/generated/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: ['../../shared/*', '../../../shared/*'] }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...noAppImports('server', 'tray-client', 'admin-ui'), '@nestjs/*', '@angular/*'] },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: noAppImports('tray-client', 'admin-ui') }] },
  },
  {
    files: ['tray-client/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...noAppImports('server', 'admin-ui'), '@nestjs/*'] }],
    },
  },
  {
    files: ['admin-ui/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...noAppImports('server', 'tray-client'), '@nestjs/*'] },
      ],
    },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/*.integration-spec.ts',
      '**/*.e2e-spec.ts',
      '**/test/**/*.ts',
      '**/bench/**/*.ts',
    ],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
