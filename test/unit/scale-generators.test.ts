import assert from 'node:assert/strict';
import { allowedValues } from '../../src/core/scale-catalog';
import { copyText, parseMoment, patternGenerator, picker, random, uuid } from '../../src/core/scale-generators';
import { scaleNow } from '../../src/core/scale-plan';

describe('--scale generators (src/core/scale-generators, scale-catalog)', () => {
  it('reads the values of a CHECK ... IN list as PostgreSQL prints it, for text, varchar and integers', () => {
    assert.deepEqual(allowedValues(`CHECK ((status = ANY (ARRAY['planned'::text, 'active'::text, 'it''s'::text])))`, 'status'), ['planned', 'active', "it's"]);
    assert.deepEqual(allowedValues(`CHECK (((kind)::text = ANY ((ARRAY['a'::character varying, 'b c'::character varying])::text[])))`, 'kind'), ['a', 'b c']);
    assert.deepEqual(allowedValues('CHECK ((n = ANY (ARRAY[1, 2, 3])))', 'n'), ['1', '2', '3']);
    assert.equal(allowedValues('CHECK ((n > 0))', 'n'), null);
    assert.equal(allowedValues(`CHECK ((other = ANY (ARRAY['x'::text])))`, 'n'), null);
  });

  it('writes COPY text: NULL, booleans, JSON, and escapes backslash, tab and newlines', () => {
    assert.equal(copyText(null), '\\N');
    assert.equal(copyText(true), 't');
    assert.equal(copyText({ a: [1] }), '{"a":[1]}');
    assert.equal(copyText('a\tb\nc\\d\re'), 'a\\tb\\nc\\\\d\\re');
  });

  it('parses moments: ISO dates and timestamps, now and now±N units; anything else is NaN', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseMoment('now', now), now);
    assert.equal(parseMoment('now-30d', now), Date.parse('2024-12-02T00:00:00Z'));
    assert.equal(parseMoment('now + 2h', now), Date.parse('2025-01-01T02:00:00Z'));
    assert.equal(parseMoment('2024-02-29', now), Date.parse('2024-02-29T00:00:00Z'));
    assert.equal(parseMoment('2024-02-29T12:00:00+02:00', now), Date.parse('2024-02-29T10:00:00Z'));
    assert.ok(Number.isNaN(parseMoment('yesterday', now)));
    assert.equal(scaleNow({}, null, Date.parse('2026-12-03T06:30:00Z')), Date.parse('2026-12-03T00:00:00Z'), 'default: start of the UTC day');
    assert.throws(() => scaleNow({ now: 'now-1d' }, null), /"seed\.scale\.now" is "now-1d", not an ISO date or timestamp/);
  });

  it('patterns: {seq} continues after the rows there, placeholders draw from the stream, unknown ones are refused', () => {
    const g = patternGenerator('u{seq}-{int:5:5}-{choice:x|y}-{hex:4}', random(1), 10, 'k', null);
    assert.match(g(0), /^u11-5-[xy]-[0-9a-f]{4}$/);
    assert.match(g(1), /^u12-/);
    assert.throws(() => patternGenerator('{int:9:1}', random(1), 0, 'seed.scale.tables.t.columns.c.pattern', null), /"seed\.scale\.tables\.t\.columns\.c\.pattern" has an unknown placeholder \{int:9:1\}/);
  });

  it('is deterministic for a seed, weights choices, and makes valid version-4 UUIDs', () => {
    const a = random(42);
    const b = random(42);
    assert.deepEqual([a(), a(), a()], [b(), b(), b()]);
    const pick = picker(['rare', 'common'], [1, 9]);
    const rnd = random(3);
    const counts = { rare: 0, common: 0 };
    for (let i = 0; i < 10000; i++) counts[pick(rnd) as 'rare' | 'common']++;
    assert.ok(counts.rare > 700 && counts.rare < 1300, JSON.stringify(counts));
    assert.match(uuid(random(5)), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
