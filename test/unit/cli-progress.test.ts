import assert from 'node:assert/strict';
import { progressSink } from '../../src/cli/progress';
import type { Output } from '../../src/cli/output';
import { PLAIN_STYLE, renderProgressBar, renderProgressLine } from '../../src/core/report';

function capture(errTty: boolean): { output: Output; out: string[]; err: string[]; raw: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const raw: string[] = [];
  return { out, err, raw, output: { out: (t) => out.push(t), err: (t) => err.push(t), tty: false, errTty, errRaw: (t) => raw.push(t) } };
}

describe('CLI progress (--seed --scale)', () => {
  it('renders a bar and a plain line', () => {
    assert.equal(renderProgressBar({ table: 'observations', rows: 37000, total: 100000 }, PLAIN_STYLE),
      '  observations [#########---------------]  37%  37,000/100,000 rows');
    assert.equal(renderProgressLine({ table: 'observations', rows: 100000, total: 100000 }), '  observations: 100000 of 100000 rows (100%)');
  });

  it('on a terminal stderr: redraws one bar in place (throttled), ends its line when done; nothing on stdout', () => {
    let clock = 0;
    const c = capture(true);
    const sink = progressSink(c.output, PLAIN_STYLE, { json: true, now: () => clock });
    sink.update({ table: 't', rows: 10, total: 100 }); // the first update is drawn at once
    clock += 50;
    sink.update({ table: 't', rows: 20, total: 100 }); // throttled
    clock += 100;
    sink.update({ table: 't', rows: 50, total: 100 });
    sink.update({ table: 't', rows: 100, total: 100 }); // done: always drawn, with its newline
    sink.finish();
    assert.deepEqual(c.raw.map((r) => r.replace(/^\r\x1b\[2K/, '').replace(/ +\d.*rows/, '')), ['  t [##----------------------]', '  t [############------------]', '  t [########################]\n']);
    assert.ok(c.raw.every((r) => r.startsWith('\r\x1b[2K')));
    assert.deepEqual(c.out, []);
    assert.deepEqual(c.err, []);
  });

  it('elsewhere: a plain line every two seconds and when a table is done; with --json none at all', () => {
    let clock = 0;
    const c = capture(false);
    const sink = progressSink(c.output, PLAIN_STYLE, { json: false, now: () => clock });
    sink.update({ table: 't', rows: 10, total: 100 });
    clock += 2500;
    sink.update({ table: 't', rows: 60, total: 100 });
    sink.update({ table: 't', rows: 100, total: 100 });
    assert.deepEqual(c.err, ['  t: 60 of 100 rows (60%)', '  t: 100 of 100 rows (100%)']);
    const j = capture(false);
    const quiet = progressSink(j.output, PLAIN_STYLE, { json: true, now: () => clock });
    quiet.update({ table: 't', rows: 100, total: 100 });
    assert.deepEqual([j.err, j.out, j.raw], [[], [], []]);
  });
});
