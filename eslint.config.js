import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'schema/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'errors travel up to src/cli.ts' }],
    },
  },
  {
    // CommonJS: bin/ (bin/package.json), the start-up path of bin/mtpipe, and *.cjs preloads
    files: ['bin/**/*.js', 'scripts/**/*.cjs', 'test/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The SDK's service packages load on first use (src/aws/sdk.ts): an offline plan needs none of them.
    files: ['src/**/*.ts'],
    ignores: ['src/aws/sdk.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/client-*'],
              allowTypeImports: true,
              message: "import the SDK's types only (import type); load its values in the function that sends: `const { IAMClient } = await sdk.iam()` (src/aws/sdk.ts)",
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression[source.value=/^@aws-sdk\\/client-/]', message: 'load SDK service packages through src/aws/sdk.ts (`await sdk.sts()`)' },
      ],
    },
  },
);
