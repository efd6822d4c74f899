// Rewrites the CLI reference block in README.md from `database-migration --help`,
// so the README always matches the tool (a unit test checks they agree).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const help = execFileSync(process.execPath, ['dist/cli.js', '--help'], { encoding: 'utf8' }).trimEnd();
const readme = readFileSync('README.md', 'utf8');
const start = '<!-- cli-help:start -->';
const end = '<!-- cli-help:end -->';
const a = readme.indexOf(start);
const b = readme.indexOf(end);
if (a === -1 || b === -1) throw new Error('README.md has no cli-help markers');
writeFileSync('README.md', `${readme.slice(0, a + start.length)}\n\`\`\`text\n${help}\n\`\`\`\n${readme.slice(b)}`);
console.log('README.md CLI reference updated');
