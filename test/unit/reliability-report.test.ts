import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { readResults, RELIABILITY_MD, renderFigures, withFigures } from '../reliability/report';
import type { PartResult } from '../reliability/results';

describe('RELIABILITY.md figures', () => {
  it('are exactly what the long suite recorded in test/reliability/results (not written by hand)', () => {
    const md = fs.readFileSync(RELIABILITY_MD, 'utf8');
    assert.equal(md, withFigures(md, readResults()), 'run `node out/test/reliability/report.js` (npm run test:reliability does) after a long run');
  });

  it('shows a failed part as FAILED with its error', () => {
    const r: PartResult = { part: 'crash', checks: 'c', backend: 'pglite', trialsRequested: 100, trialsPassed: 41, passed: false, error: 'boom',
      figures: { dirty: 3 }, durationSeconds: 5, finishedAt: '2026-12-02T03:00:00.000Z', commit: 'abc', machine: 'm', server: 's' };
    const text = renderFigures([r]);
    assert.match(text, /\| crash \| pglite \| 41 \/ 100 \| \*\*FAILED\*\*: boom \| dirty 3 \|/);
  });
});
