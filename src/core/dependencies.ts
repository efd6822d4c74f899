/**
 * The dependency graph between migrations: edges declared with "-- depends:"
 * plus edges inferred from the parse trees (a migration that uses a table,
 * view, sequence, type or function depends on the migration that created it),
 * and the statements that cannot run inside the migration's transaction.
 */
import { createdObjects, droppedObjects, nonTransactionalReason, type ObjectKind } from '../sql/objects';
import { loadParser } from '../sql/parser';
import { parseScriptSync, type ParsedStatement } from '../sql/parse';
import { referencedObjects, type Reference } from '../sql/references';
import { compareVersions, matchesMigrationRef, migrationId, type MigrationFile } from './migration-file';

export interface DependencyEdge {
  /** The migration that depends ... */
  from: string;
  /** ... on this one (versions). */
  to: string;
  /** "declared", or what was found: "uses table space_objects". */
  reason: string;
  declared: boolean;
}

export interface NonTransactionalStatement {
  version: string;
  section: 'up' | 'down';
  line: number;
  what: string;
}

export interface MigrationAnalysis {
  edges: DependencyEdge[];
  nonTransactional: NonTransactionalStatement[];
  /** Each migration's statements, split once here and reused to run them. */
  statements: Map<string, { up: ParsedStatement[]; down: ParsedStatement[] }>;
}

const KIND_GROUP: Partial<Record<ObjectKind, Reference['kind']>> = {
  table: 'relation', view: 'relation', 'materialized view': 'relation', sequence: 'relation',
  type: 'type', domain: 'type', function: 'function', procedure: 'function',
};

interface Creation {
  version: string;
  kind: ObjectKind;
  schema: string | null;
  name: string;
}

function matches(ref: { schema: string | null; name: string }, c: { schema: string | null; name: string }): boolean {
  return ref.name === c.name && (ref.schema === null || c.schema === null || ref.schema === c.schema);
}

/** Parses every migration (cached per statement) and returns the dependency edges and non-transactional statements. */
export async function analyseMigrations(files: MigrationFile[], pgVersion = 15, options: { down?: boolean } = {}): Promise<MigrationAnalysis> {
  const parser = await loadParser();
  const sorted = [...files].sort((a, b) => compareVersions(a.version, b.version));
  const parsed = new Map<string, { up: ParsedStatement[]; down: ParsedStatement[] }>();
  // `down: false` (an --up plan): the down sections are not parsed; their statements and non-transactional entries are left out.
  const withDown = options.down !== false;
  for (const f of sorted) parsed.set(f.version, { up: parseScriptSync(parser, f.up), down: f.down && withDown ? parseScriptSync(parser, f.down) : [] });

  // What each up statement creates (computed once), and every creation by group and name, in version order:
  // a reference looks up its name instead of scanning all creations (quadratic in a long history).
  const createdBy = new Map<ParsedStatement, Creation[]>();
  const creations = new Map<string, Creation[]>();
  for (const f of sorted) {
    for (const st of parsed.get(f.version)!.up) {
      const here: Creation[] = [];
      for (const o of createdObjects(st.kind, st.node)) {
        const group = KIND_GROUP[o.kind];
        if (!group) continue;
        const c = { version: f.version, kind: o.kind, schema: o.schema, name: o.name };
        here.push(c);
        const key = `${group}\0${o.name}`;
        const list = creations.get(key);
        if (list) list.push(c);
        else creations.set(key, [c]);
      }
      createdBy.set(st, here);
    }
  }

  const edges: DependencyEdge[] = [];
  const nonTransactional: NonTransactionalStatement[] = [];
  const seen = new Map<string, DependencyEdge>();
  const addEdge = (e: DependencyEdge) => {
    const key = `${e.from}->${e.to}`;
    const existing = seen.get(key);
    if (existing) {
      if (!existing.reason.includes(e.reason)) existing.reason = `${existing.reason}; ${e.reason}`;
      return;
    }
    const edge = { ...e };
    seen.set(key, edge);
    edges.push(edge);
  };

  for (const f of sorted) {
    for (const dep of f.depends) {
      const target = sorted.find((x) => matchesMigrationRef(x, dep));
      if (target) addEdge({ from: f.version, to: target.version, reason: 'declared', declared: true });
    }
    const sections = parsed.get(f.version)!;
    const createdHere: Creation[] = [];
    for (const st of sections.up) {
      const refs: Reference[] = referencedObjects(st.kind, st.node);
      for (const d of droppedObjects(st.kind, st.node)) {
        const group = KIND_GROUP[d.kind];
        if (group) refs.push({ kind: group, schema: d.schema, name: d.name });
      }
      for (const ref of refs) {
        if (createdHere.some((c) => KIND_GROUP[c.kind] === ref.kind && matches(ref, c))) continue;
        const candidates = (creations.get(`${ref.kind}\0${ref.name}`) ?? []).filter((c) => c.version !== f.version && matches(ref, c));
        if (candidates.length === 0) continue; // not created by any migration: built in, or made outside the tool
        const earlier = candidates.filter((c) => compareVersions(c.version, f.version) < 0);
        const creator = earlier.length ? earlier[earlier.length - 1]! : candidates[0]!;
        addEdge({ from: f.version, to: creator.version, reason: `uses ${creator.kind} ${creator.schema ? `${creator.schema}.` : ''}${creator.name}`, declared: false });
      }
      createdHere.push(...createdBy.get(st)!);
    }
    if (f.transactional) {
      for (const [section, statements, base] of [['up', sections.up, f.upLine], ['down', sections.down, f.downLine ?? 1]] as const) {
        for (const st of statements) {
          const what = nonTransactionalReason(st.kind, st.node, pgVersion);
          if (what) nonTransactional.push({ version: f.version, section, line: base + st.line - 1, what });
        }
      }
    }
  }
  edges.sort((a, b) => compareVersions(a.from, b.from) || compareVersions(a.to, b.to));
  return { edges, nonTransactional, statements: parsed };
}

/** The graph as indented text: each migration and what it depends on, with the reason. */
export function graphText(files: { version: string; name: string }[], edges: DependencyEdge[]): string {
  const name = new Map(files.map((f) => [f.version, migrationId(f)]));
  const lines: string[] = [];
  for (const f of [...files].sort((a, b) => compareVersions(a.version, b.version))) {
    lines.push(migrationId(f));
    const out = edges.filter((e) => e.from === f.version);
    out.forEach((e, i) => lines.push(`  ${i === out.length - 1 ? '└─' : '├─'} depends on ${name.get(e.to) ?? e.to} (${e.reason})`));
  }
  return lines.join('\n');
}

/** The graph in Mermaid syntax, for the README or the status panel. */
export function graphMermaid(files: { version: string; name: string }[], edges: DependencyEdge[]): string {
  const node = (v: string) => `m${v.replace(/[^0-9A-Za-z_]/g, '_')}`;
  const label = (s: string) => s.replace(/"/g, "'");
  const lines = ['graph BT'];
  for (const f of [...files].sort((a, b) => compareVersions(a.version, b.version))) lines.push(`  ${node(f.version)}["${label(migrationId(f))}"]`);
  for (const e of edges) lines.push(`  ${node(e.from)} -->|${label(e.reason)}| ${node(e.to)}`);
  return lines.join('\n');
}
