import assert from 'node:assert/strict';
import fc from 'fast-check';
import { redactText, redactUrl } from '../../src/core/redact';

describe('redactUrl', () => {
  it('hides the password and keeps scheme, user, host, port and database', () => {
    assert.equal(redactUrl('postgres://u:secret@h/db'), 'postgres://u:***@h/db');
    assert.equal(redactUrl('postgresql://admin:p4ss@db.example.com:5433/app?sslmode=require'),
      'postgresql://admin:***@db.example.com:5433/app?sslmode=require');
  });

  it('hides an empty-user password', () => {
    assert.equal(redactUrl('postgres://:secret@h/db'), 'postgres://:***@h/db');
  });

  it('leaves URLs without a password unchanged', () => {
    for (const u of ['postgres://u@h/db', 'postgres://h:5432/db', 'postgres://h/db?application_name=x', 'not a url']) {
      assert.equal(redactUrl(u), u);
    }
  });

  it('hides password= and sslpassword= query parameters, case-insensitively', () => {
    assert.equal(redactUrl('postgres://u@h/db?password=secret'), 'postgres://u@h/db?password=***');
    assert.equal(redactUrl('postgres://u@h/db?sslmode=require&PASSWORD=secret&x=1'), 'postgres://u@h/db?sslmode=require&PASSWORD=***&x=1');
    assert.equal(redactUrl('postgres://u@h/db?sslpassword=keypw#frag'), 'postgres://u@h/db?sslpassword=***#frag');
  });

  it('hides both a userinfo password and a password parameter', () => {
    const out = redactUrl('postgres://u:one@h/db?password=two');
    assert.equal(out, 'postgres://u:***@h/db?password=***');
  });

  it('never contains a simple password for any user/host (property)', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/);
    fc.assert(fc.property(word, fc.stringMatching(/^[A-Za-z0-9]{8,16}$/), word, (user, pw, host) => {
      fc.pre(!user.includes(pw) && !host.includes(pw) && !'postgres'.includes(pw) && !'db'.includes(pw));
      const out = redactUrl(`postgres://${user}:${pw}@${host}:5432/db`);
      assert.ok(!out.includes(pw), out);
      assert.ok(out.includes(`${user}:***@${host}`), out);
    }));
  });

  it('hides a password containing "#", "/" or "?"', () => {
    for (const pw of ['pa#ss', 'pa/ss', 'pa?ss']) {
      const out = redactUrl(`postgres://u:${pw}@h/db`);
      assert.ok(!out.includes(pw), out);
    }
  });

  it('hides all of a password containing "@"', () => {
    assert.equal(new URL('postgres://u:p@ss@h/db').hostname, 'h');
    const out = redactUrl('postgres://u:p@ssword@h/db');
    assert.ok(!out.includes('ssword'), out);
    assert.ok(out.endsWith('@h/db'), out);
  });
});

describe('redactText', () => {
  it('hides passwords in URLs inside free text, keeping user and host', () => {
    const out = redactText('could not connect to postgres://ann:secret@db.example:5432/app: timeout');
    assert.equal(out, 'could not connect to postgres://ann:***@db.example:5432/app: timeout');
  });

  it('hides several URLs in one text', () => {
    const out = redactText('from postgres://a:one@h1/db to postgresql://b:two@h2/db');
    assert.ok(!out.includes('one@') && !out.includes('two@'), out);
    assert.ok(out.includes('postgres://a:***@h1/db') && out.includes('postgresql://b:***@h2/db'), out);
  });

  it('hides password=... pairs, bare or quoted, keeping other keys', () => {
    assert.equal(redactText('host=h user=ann password=secret dbname=app'), 'host=h user=ann password=*** dbname=app');
    assert.equal(redactText("host=h password='se cret' port=5432"), 'host=h password=*** port=5432');
    assert.equal(redactText('password = "x y z" ok'), 'password = *** ok');
    assert.equal(redactText('PASSWORD=abc&user=u'), 'PASSWORD=***&user=u');
    assert.equal(redactText('sslpassword=keypw'), 'sslpassword=***');
  });

  it('leaves text without credentials unchanged', () => {
    const t = 'relation "space_objects" does not exist at postgres://h/db (user ann)';
    assert.equal(redactText(t), t);
  });
});
