/** A hand-made shadow schema: five migrations over a missions table, a view in another schema, an index, a type change. */
import type { ShadowPosition, ShadowSchema } from '../../../src/core/shadow/types';

/** A position as the shadow reports it (catalog keys and definitions as catalog.ts prints them). */
export function position(version: string, name: string, catalog: Record<string, string>): ShadowPosition {
  return {
    version, name, file: `/p/migrations/${version}_${name}.sql`, checksum: version, key: version,
    catalog: Object.entries(catalog).sort(([a], [b]) => a.localeCompare(b)), errors: [],
  };
}

export const BASE = { 'schema public': 'pg_database_owner' };
export const MISSIONS = {
  ...BASE,
  'table public.missions': '',
  'column public.missions.id': 'bigint not null generated always as identity',
  'column public.missions.launch_date': 'date',
  'column public.missions.name': 'text not null',
  'constraint public.missions.missions_pkey': 'PRIMARY KEY (id)',
  'index public.missions_pkey': 'CREATE UNIQUE INDEX missions_pkey ON public.missions USING btree (id)',
};
const WITH_VIEW = {
  ...MISSIONS,
  'schema app': 'postgres',
  'view app.recent_missions': ' SELECT id, name FROM missions',
  'column app.recent_missions.id': 'bigint',
  'column app.recent_missions.name': 'text',
  'function public.touch(integer)': 'abc',
  'type public.mission_status': "enum ('planned', 'active')",
};
const WITH_INDEX = { ...WITH_VIEW, 'index public.idx_missions_launch': 'CREATE INDEX idx_missions_launch ON public.missions USING btree (launch_date)' };
const RETYPED = { ...WITH_INDEX, 'column public.missions.launch_date': 'timestamp with time zone not null default now()' };
const { 'column app.recent_missions.name': _dropped, ...WITHOUT_VIEW_NAME } = RETYPED;

export const SCHEMA: ShadowSchema = {
  serverVersion: '18.3',
  baseline: Object.entries(BASE),
  positions: [
    position('001', 'create_missions', MISSIONS),
    position('002', 'add_view', WITH_VIEW),
    position('003', 'index_launch', WITH_INDEX),
    position('004', 'retype_launch', RETYPED),
    position('005', 'narrow_view', WITHOUT_VIEW_NAME),
  ],
};

