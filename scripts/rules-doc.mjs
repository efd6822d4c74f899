// Writes docs/rules.md from the rule registry (run after `node scripts/bundle.mjs`, which transpiles src/ to out/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { ALL_RULES } = require('../out/src/lint/rules/index.js');
const { rulesMarkdown } = require('../out/src/lint/rule-docs.js');
mkdirSync('docs', { recursive: true });
writeFileSync('docs/rules.md', rulesMarkdown(ALL_RULES));
console.log(`docs/rules.md: ${ALL_RULES.length} rules`);
