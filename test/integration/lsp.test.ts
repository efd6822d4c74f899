/**
 * `database-migration --lsp` (dist/cli.js, built) driven over stdio by a protocol client, as an editor would:
 * diagnostics with rule codes and ranges, quick fixes, rule docs on hover, completions, the project's history
 * (other migrations, open unsaved text first), files deleted on disk, newer versions winning, a broken config,
 * and a clean exit. Every byte the server writes to stdout must be protocol.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest, CompletionRequest, createProtocolConnection, DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, DidSaveTextDocumentNotification, ExitNotification, FileChangeType, HoverRequest, InitializedNotification,
  InitializeRequest, LogMessageNotification, PublishDiagnosticsNotification, RegistrationRequest, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
  type CodeAction, type CompletionItem, type Diagnostic, type Hover, type InitializeResult, type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

const up = (sql: string, down = ''): string => `-- Up migration\n${sql}\n\n-- Down migration\n${down}\n`;
const AGENCIES = up('CREATE TABLE agencies (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);', 'DROP TABLE agencies;');
const MISSIONS = up('CREATE TABLE missions (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  agency_id bigint NOT NULL REFERENCES agencies (id),\n  launch_date date\n);', 'DROP TABLE missions;');
const MISSIONS_INDEX = up('CREATE INDEX CONCURRENTLY missions_agency_id_idx ON missions (agency_id);', 'DROP INDEX CONCURRENTLY missions_agency_id_idx;')
  .replace('-- Up migration', '-- transaction: none\n-- Up migration');
const VARCHAR = up('CREATE TABLE astronauts (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name varchar(80) NOT NULL\n);', 'DROP TABLE astronauts;');

class Session {
  readonly connection: ProtocolConnection;
  readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiters: (() => void)[] = [];
  stdout = Buffer.alloc(0);
  stderr = '';
  /** window/logMessage: what the server logs (errors of handlers among it). */
  log = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d: Buffer) => { this.stdout = Buffer.concat([this.stdout, d]); });
    child.stderr.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.onRequest(RegistrationRequest.type, () => null);
    this.connection.onNotification(LogMessageNotification.type, (m) => { this.log += `${m.message}\n`; });
    this.connection.listen();
  }

  /** The first publication for `uri` after `from` (an index into `published`) that satisfies `ok`. */
  async diagnostics(uri: string, ok: (p: PublishDiagnosticsParams) => boolean = () => true, from = 0, timeoutMs = 30000): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.published.slice(from).find((p) => p.uri === uri && ok(p));
      if (hit) return hit;
      if (Date.now() > deadline) {
        throw new Error(`no matching diagnostics for ${uri}; published: ${JSON.stringify(this.published.filter((p) => p.uri === uri).map((p) => ({ v: p.version, codes: p.diagnostics.map((d) => d.code) })))}\nstderr: ${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  open(file: string, text = fs.readFileSync(file, 'utf8'), version = 1): string {
    const uri = pathToFileURL(file).href;
    void this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'sql', version, text } });
    return uri;
  }

  change(uri: string, version: number, text: string): void {
    void this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }
}

/** Splits stdout into Content-Length frames: anything that is not a whole frame with a JSON body fails. */
function protocolFrames(out: Buffer): number {
  let at = 0;
  let frames = 0;
  while (at < out.length) {
    const headerEnd = out.indexOf('\r\n\r\n', at);
    assert.ok(headerEnd > at, `stdout at byte ${at} is not a protocol header: ${JSON.stringify(out.subarray(at, at + 80).toString())}`);
    const header = out.subarray(at, headerEnd).toString('ascii');
    const m = /^Content-Length: (\d+)(\r\nContent-Type: [^\r\n]+)?$/i.exec(header);
    assert.ok(m, `not a protocol header: ${JSON.stringify(header)}`);
    const body = out.subarray(headerEnd + 4, headerEnd + 4 + Number(m[1]));
    assert.equal(body.length, Number(m[1]), 'a truncated frame');
    assert.equal((JSON.parse(body.toString('utf8')) as { jsonrpc: string }).jsonrpc, '2.0');
    at = headerEnd + 4 + Number(m[1]);
    frames++;
  }
  return frames;
}

describe('language server: database-migration --lsp over stdio', function () {
  this.timeout(120000);
  let dir: string;
  let s: Session;
  let init: InitializeResult;
  const mig = (name: string) => path.join(dir, 'app', 'migrations', name);

  before(async () => {
    assert.ok(fs.existsSync(CLI), 'run npm run build first (dist/cli.js)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-lsp-'));
    fs.mkdirSync(path.join(dir, 'app', 'migrations'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'app', 'database-migration.config.json'), JSON.stringify({ migrationsDir: 'migrations' }));
    fs.writeFileSync(mig('001_create_agencies.sql'), AGENCIES);
    fs.writeFileSync(mig('002_create_missions.sql'), MISSIONS);
    fs.writeFileSync(mig('003_index_missions.sql'), MISSIONS_INDEX);
    fs.writeFileSync(mig('004_create_astronauts.sql'), VARCHAR);
    // A second project whose config is not JSON.
    fs.mkdirSync(path.join(dir, 'broken', 'migrations'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'broken', 'database-migration.config.json'), '{ "migrationsDir": ');
    fs.writeFileSync(path.join(dir, 'broken', 'migrations', '001_x.sql'), VARCHAR);
    s = new Session(spawn(process.execPath, [CLI, '--lsp'], { cwd: dir, env: { ...process.env, DATABASE_MIGRATION_TIMINGS: '' } }));
    init = await s.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: pathToFileURL(dir).href, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true } } },
    });
    await s.connection.sendNotification(InitializedNotification.type, {});
  });

  after(() => {
    s?.connection.dispose();
    if (s && s.child.exitCode === null) s.child.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('initialize: push diagnostics, quick fixes, hover and completions', () => {
    const c = init.capabilities;
    assert.equal(init.serverInfo?.name, 'database-migration');
    assert.ok(c.hoverProvider);
    assert.deepEqual((c.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds, ['quickfix']);
    assert.deepEqual(c.completionProvider?.triggerCharacters, ['.']);
  });

  let astronauts: string;
  let varcharDiagnostic: Diagnostic;

  it('didOpen of a migration with a known problem publishes it with the rule code, range and documentation link', async () => {
    astronauts = s.open(mig('004_create_astronauts.sql'));
    const p = await s.diagnostics(astronauts);
    assert.equal(p.version, 1);
    const d = p.diagnostics.find((x) => x.code === 'prefer-text-field');
    assert.ok(d, JSON.stringify(p.diagnostics));
    // "  name varchar(80) NOT NULL" is line 4 (0-based 3): the type name, characters 7 to 14.
    assert.deepEqual(d.range, { start: { line: 3, character: 7 }, end: { line: 3, character: 14 } });
    assert.equal(d.source, 'database-migration');
    assert.equal(d.severity, 2);
    assert.match(d.codeDescription!.href, /rules\.md#(L\d+|prefer-text-field)$/);
    assert.match(d.message, /varchar\(80\)/);
    varcharDiagnostic = d;
  });

  it('codeAction: the rule\'s fix as a versioned edit, and "Ignore <rule> for this statement"', async () => {
    const actions = (await s.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: astronauts }, range: varcharDiagnostic.range, context: { diagnostics: [varcharDiagnostic] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.title === 'Change the type to text');
    assert.ok(fix, actions.map((a) => a.title).join(' | '));
    assert.equal(fix.isPreferred, true);
    const edit = fix.edit!.documentChanges![0] as { textDocument: { uri: string; version: number }; edits: { range: unknown; newText: string }[] };
    assert.deepEqual(edit.textDocument, { uri: astronauts, version: 1 });
    assert.equal(edit.edits.length, 1);
    // Applied, the fix turns the column's type into text.
    const e = edit.edits[0] as { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
    assert.equal(e.range.start.line, 3);
    assert.equal(e.range.end.line, 3);
    const line = VARCHAR.split('\n')[3]!;
    assert.equal(line.slice(0, e.range.start.character) + e.newText + line.slice(e.range.end.character), '  name text NOT NULL');
    const ignore = actions.find((a) => a.title === 'Ignore prefer-text-field for this statement');
    assert.ok(ignore);
    const ie = ignore.edit!.documentChanges![0] as { edits: { range: { start: { line: number } }; newText: string }[] };
    // Above "CREATE TABLE astronauts (" (line 1, 0-based).
    assert.equal(ie.edits[0]!.range.start.line, 1);
    assert.equal(ie.edits[0]!.newText, '-- lint-ignore prefer-text-field\n');
  });

  it('hover over the diagnostic shows the rule\'s documentation; elsewhere nothing', async () => {
    const hover = (await s.connection.sendRequest(HoverRequest.type, { textDocument: { uri: astronauts }, position: { line: 3, character: 10 } })) as Hover;
    const value = (hover.contents as { kind: string; value: string }).value;
    assert.equal((hover.contents as { kind: string }).kind, 'markdown');
    assert.match(value, /\*\*prefer-text-field\*\*/);
    assert.match(value, /\*\*Instead:\*\*/);
    assert.match(value, /rules\.md/);
    const none = await s.connection.sendRequest(HoverRequest.type, { textDocument: { uri: astronauts }, position: { line: 0, character: 1 } });
    assert.equal(none, null);
  });

  it('didChange: linted again, published with the new version; a quick run of versions ends on the newest', async () => {
    const from = s.published.length;
    s.change(astronauts, 2, VARCHAR.replace('varchar(80)', 'varchar(81)'));
    s.change(astronauts, 3, VARCHAR.replace('varchar(80)', 'text'));
    const last = await s.diagnostics(astronauts, (p) => p.version === 3, from);
    assert.ok(!last.diagnostics.some((d) => d.code === 'prefer-text-field'), JSON.stringify(last.diagnostics));
    await new Promise((r) => setTimeout(r, 500));
    const mine = s.published.slice(from).filter((p) => p.uri === astronauts);
    assert.equal(mine[mine.length - 1]!.version, 3, 'nothing older may be published after the newest version');
    const versions = mine.map((p) => p.version!);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
  });

  it('history: a foreign key indexed by a later migration is fine; with that migration deleted on disk the finding appears', async () => {
    const missions = s.open(mig('002_create_missions.sql'));
    const before = await s.diagnostics(missions);
    assert.ok(!before.diagnostics.some((d) => d.code === 'foreign-key-without-index'), JSON.stringify(before.diagnostics.map((d) => d.code)));
    const from = s.published.length;
    fs.rmSync(mig('003_index_missions.sql'));
    await s.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(mig('003_index_missions.sql')).href, type: FileChangeType.Deleted }] });
    const after = await s.diagnostics(missions, (p) => p.diagnostics.some((d) => d.code === 'foreign-key-without-index'), from);
    const d = after.diagnostics.find((x) => x.code === 'foreign-key-without-index')!;
    assert.equal(d.range.start.line, 3); // "  agency_id bigint NOT NULL REFERENCES agencies (id),"
    fs.writeFileSync(mig('003_index_missions.sql'), MISSIONS_INDEX);
    const from2 = s.published.length;
    await s.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(mig('003_index_missions.sql')).href, type: FileChangeType.Created }] });
    await s.diagnostics(missions, (p) => !p.diagnostics.some((x) => x.code === 'foreign-key-without-index'), from2);
  });

  it('history: the open, unsaved text of another migration counts, not its file', async () => {
    const index = s.open(mig('003_index_missions.sql'));
    await s.diagnostics(index);
    const missions = pathToFileURL(mig('002_create_missions.sql')).href;
    const from = s.published.length;
    // The index is typed away in the editor (not saved): the missions migration is linted again with that text.
    s.change(index, 2, up('SELECT 1;'));
    await s.diagnostics(missions, (p) => p.diagnostics.some((d) => d.code === 'foreign-key-without-index'), from);
    const from2 = s.published.length;
    s.change(index, 3, MISSIONS_INDEX);
    await s.diagnostics(missions, (p) => !p.diagnostics.some((d) => d.code === 'foreign-key-without-index'), from2);
    assert.equal(fs.readFileSync(mig('003_index_missions.sql'), 'utf8'), MISSIONS_INDEX);
  });

  it('completion: tables the earlier migrations created, and after "missions." their columns', async () => {
    const file = mig('005_report.sql');
    const text = up('SELECT missions.');
    fs.writeFileSync(file, text);
    const uri = s.open(file, text);
    const items = (await s.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 1, character: 'SELECT missions.'.length } })) as CompletionItem[];
    // (The open migrations' down sections drop these tables: the history reads up sections only.)
    assert.deepEqual(items.map((i) => i.label).sort(), ['agency_id', 'id', 'launch_date']);
    const all = (await s.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 1, character: 'SELECT '.length } })) as CompletionItem[];
    const labels = all.map((i) => i.label);
    for (const t of ['agencies', 'missions', 'astronauts']) assert.ok(labels.includes(t), labels.join(', '));
  });

  it('a migration deleted on disk (closed in the editor) gets empty diagnostics', async () => {
    const file = mig('006_more_varchar.sql');
    fs.writeFileSync(file, VARCHAR.replace(/astronauts/g, 'crews'));
    const uri = s.open(file);
    const shown = await s.diagnostics(uri);
    assert.ok(shown.diagnostics.length > 0);
    await s.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    const from = s.published.length;
    fs.rmSync(file);
    await s.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri, type: FileChangeType.Deleted }] });
    const cleared = await s.diagnostics(uri, () => true, from);
    assert.deepEqual(cleared.diagnostics, []);
  });

  it('a deleted folder: the problems of the files below it go too', async () => {
    const folder = path.join(dir, 'app', 'drafts');
    fs.mkdirSync(folder);
    const file = path.join(folder, 'draft.sql');
    fs.writeFileSync(file, VARCHAR); // not in the migrations directory: linted for its "-- Up migration" marker
    const uri = s.open(file);
    assert.ok((await s.diagnostics(uri)).diagnostics.length > 0);
    await s.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    const from = s.published.length;
    fs.rmSync(folder, { recursive: true });
    await s.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(folder).href, type: FileChangeType.Deleted }] });
    assert.deepEqual((await s.diagnostics(uri, () => true, from)).diagnostics, []);
  });

  it('settings (workspace/didChangeConfiguration): with lintOnType off a change is not linted until saved', async () => {
    await s.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { databaseMigration: { lintOnType: false } } });
    const from = s.published.length;
    s.change(astronauts, 10, VARCHAR);
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(s.published.slice(from).filter((p) => p.uri === astronauts), []);
    await s.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: astronauts } });
    const saved = await s.diagnostics(astronauts, (p) => p.version === 10, from);
    assert.ok(saved.diagnostics.some((d) => d.code === 'prefer-text-field'));
    // Flat settings (Helix sends its "config" table as it is) work too.
    await s.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { lintOnType: true } });
    const from2 = s.published.length;
    s.change(astronauts, 11, VARCHAR.replace('varchar(80)', 'text'));
    await s.diagnostics(astronauts, (p) => p.version === 11, from2);
  });

  it('a broken config: the file is linted with the defaults and the server keeps answering', async () => {
    const uri = s.open(path.join(dir, 'broken', 'migrations', '001_x.sql'));
    const p = await s.diagnostics(uri);
    assert.ok(p.diagnostics.some((d) => d.code === 'prefer-text-field'), JSON.stringify(p.diagnostics.map((d) => d.code)));
    const hover = await s.connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///nowhere/never-opened.sql' }, position: { line: 0, character: 0 } });
    assert.equal(hover, null);
    const again = await s.connection.sendRequest(HoverRequest.type, { textDocument: { uri: astronauts }, position: { line: 1, character: 0 } });
    assert.equal(again, null);
    // A request the handler cannot serve (no context): logged, answered with nothing, and the server goes on.
    const bad = await s.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: p.diagnostics[0]!.range });
    assert.deepEqual(bad, []);
    await new Promise((r) => setTimeout(r, 100));
    assert.match(s.log, /codeAction failed: TypeError/);
    const after = await s.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: p.diagnostics[0]!.range, context: { diagnostics: [] } });
    assert.ok(Array.isArray(after) && after.length > 0);
  });

  it('shutdown and exit: the process ends with 0, and stdout held nothing but protocol frames', async () => {
    await s.connection.sendRequest(ShutdownRequest.type);
    await s.connection.sendNotification(ExitNotification.type);
    const code = await s.exited;
    assert.equal(code, 0, s.stderr);
    assert.ok(protocolFrames(s.stdout) >= 10);
  });
});

describe('database-migration --lsp: command line', function () {
  this.timeout(60000);
  const run = (args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });

  it('--lsp with another flag, or --stdio alone, is a usage error (exit 2)', async () => {
    const a = await run(['--lsp', '--up']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /--up does not apply to --lsp/);
    const b = await run(['--stdio']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--stdio does not apply without --lsp/);
  });

  it('--lsp --stdio (as editors pass it) serves, and ends with 1 when the client goes without shutdown', async () => {
    const r = await run(['--lsp', '--stdio']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
  });

  it('initializationOptions { completions: false } (the VS Code extension: its shadow completes) leaves completions out', async () => {
    const child = spawn(process.execPath, [CLI, '--lsp']);
    const session = new Session(child);
    const result = await session.connection.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {}, initializationOptions: { completions: false } });
    assert.equal(result.capabilities.completionProvider, undefined);
    assert.ok(result.capabilities.hoverProvider);
    await session.connection.sendRequest(ShutdownRequest.type);
    await session.connection.sendNotification(ExitNotification.type);
    assert.equal(await session.exited, 0);
    session.connection.dispose();
  });

  it('other commands never load the protocol code (dist/lsp-protocol.js): their start-up stays as it was', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-lsp-modules-'));
    try {
      const log = path.join(tmp, 'modules.json');
      const preload = path.join(tmp, 'preload.js');
      fs.writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)}, JSON.stringify(Object.keys(require.cache))));`);
      const loaded = async (args: string[], input = '') => {
        const child = spawn(process.execPath, ['--require', preload, CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        child.stdin.end(input);
        await new Promise((r) => child.on('exit', r));
        return (JSON.parse(fs.readFileSync(log, 'utf8')) as string[]).map((m) => path.basename(m));
      };
      const listed = await loaded(['--list-rules']);
      assert.ok(listed.includes('cli.js'), listed.join(', '));
      assert.ok(!listed.includes('lsp-protocol.js'), listed.join(', '));
      // The client goes at once (stdin ends): the server loaded the protocol code and ended.
      assert.ok((await loaded(['--lsp'])).includes('lsp-protocol.js'));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('--help lists --lsp', async () => {
    const r = await run(['--help']);
    assert.match(r.stdout, /--lsp\s+serve the linter to editors over the Language\s+Server\s+Protocol/);
  });
});
