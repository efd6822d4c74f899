import { alterCommands, columnConstraints, rangeVarName, typeInfo } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';
import { alteredExistingTables } from './shared/new-tables';

const SERIAL = new Set(['serial', 'bigserial', 'smallserial', 'serial2', 'serial4', 'serial8']);

/** serial columns and primary keys added to an existing table. */
export const addingSerialPrimaryKeyField: Rule = {
  id: 'adding-serial-primary-key-field',
  defaultSeverity: 'error',
  description: 'serial column or PRIMARY KEY (without USING INDEX) added to an existing table',
  rationale:
    'ALTER TABLE holds an ACCESS EXCLUSIVE lock, which blocks every read and write of the table, until the statement ends. ' +
    'A serial column gives each existing row a value from a sequence, so the whole table is rewritten under that lock; a ' +
    'PRIMARY KEY builds its unique index under it, reading the whole table. On a large table both take minutes. The index ' +
    'can instead be built first with CREATE UNIQUE INDEX CONCURRENTLY, which lets writes continue, and then turned into ' +
    'the primary key with ADD CONSTRAINT ... PRIMARY KEY USING INDEX, which is quick.',
  help: 'CREATE UNIQUE INDEX CONCURRENTLY on the column(s), then ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY USING INDEX; fill new id columns in batches instead of using serial',
  sections: ['up', 'script'],
  check(ctx) {
    for (const { stmt, node, rel } of alteredExistingTables(ctx.statements)) {
      const table = rangeVarName(rel);
      for (const cmd of alterCommands(node)) {
        if (cmd['subtype'] === 'AT_AddColumn') {
          const col = cmd['def']?.['ColumnDef'] as AstNode | undefined;
          if (!col) continue;
          const column = String(col['colname']);
          const type = typeInfo(col['typeName'] as AstNode | undefined);
          const serial = type && SERIAL.has(type.name) ? type : null;
          const pk = columnConstraints(col).find((c) => c['contype'] === 'CONSTR_PRIMARY');
          if (!serial && !pk) continue;
          const what = serial && pk ? `${serial.name} PRIMARY KEY` : serial ? serial.name : 'PRIMARY KEY';
          const effect = serial && pk ? 'the table is rewritten and the primary key index is built'
            : serial ? 'every row gets a sequence value, so the table is rewritten'
              : 'the primary key index is built';
          ctx.report({
            statement: stmt,
            at: serial ? (col['typeName'] as AstNode) : pk!,
            message: `column "${column}" is added to "${table}" as ${what}: ${effect} while reads and writes are blocked`,
            help: pk ? undefined
              : 'add a plain bigint column, fill existing rows in batches from a sequence, then ALTER COLUMN ... SET DEFAULT nextval(...) (or make it an identity column)',
          });
        } else if (cmd['subtype'] === 'AT_AddConstraint') {
          const con = cmd['def']?.['Constraint'] as AstNode | undefined;
          if (!con || con['contype'] !== 'CONSTR_PRIMARY' || con['indexname']) continue;
          const name = con['conname'] ? `primary key "${String(con['conname'])}"` : 'a primary key';
          ctx.report({
            statement: stmt,
            at: con,
            message: `${name} is added to "${table}" without USING INDEX: its index is built while reads and writes are blocked`,
            help: 'CREATE UNIQUE INDEX CONCURRENTLY on the key columns first, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX (the columns must already be NOT NULL)',
          });
        }
      }
    }
  },
};
