/** The rule registry: one import and one entry per rule. */
import type { Rule } from '../types';
import { preferTextField } from './prefer-text-field';
import { syntaxError } from './syntax-error';
import { preferIdentity } from './prefer-identity';
import { preferBigintOverSmallint } from './prefer-bigint-over-smallint';
import { preferBigintOverInt } from './prefer-bigint-over-int';
import { preferTimestamptz } from './prefer-timestamptz';
import { banCharField } from './ban-char-field';
import { banTruncateCascade } from './ban-truncate-cascade';
import { banDropNotNull } from './ban-drop-not-null';
import { banDropDatabase } from './ban-drop-database';
import { banDropTable } from './ban-drop-table';
import { banDropColumn } from './ban-drop-column';
import { renamingTable } from './renaming-table';
import { renamingColumn } from './renaming-column';
import { changingColumnType } from './changing-column-type';
import { missingDownMigration } from './missing-down-migration';
import { redundantIndex } from './redundant-index';
import { foreignKeyWithoutIndex } from './foreign-key-without-index';
import { nonTransactionalStatement } from './non-transactional-statement';
import { matviewWithoutUniqueIndex } from './matview-without-unique-index';
import { downDoesNotReverseUp } from './down-does-not-reverse-up';
import { preferRobustStmts } from './prefer-robust-stmts';
import { requireLockTimeout } from './require-lock-timeout';
import { requireStatementTimeout } from './require-statement-timeout';
import { transactionNesting } from './transaction-nesting';
import { banUncommittedTransaction } from './ban-uncommitted-transaction';
import { identifierTooLong } from './identifier-too-long';
import { requireEnumValueOrdering } from './require-enum-value-ordering';
import { banDuplicateColumnAssignments } from './ban-duplicate-column-assignments';
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation';
import { requireConcurrentIndexDeletion } from './require-concurrent-index-deletion';
import { banConcurrentIndexCreationInTransaction } from './ban-concurrent-index-creation-in-transaction';
import { constraintMissingNotValid } from './constraint-missing-not-valid';
import { addingForeignKeyConstraint } from './adding-foreign-key-constraint';
import { addingFieldWithDefault } from './adding-field-with-default';
import { addingNotNullableField } from './adding-not-nullable-field';
import { addingRequiredField } from './adding-required-field';
import { addingSerialPrimaryKeyField } from './adding-serial-primary-key-field';
import { disallowedUniqueConstraint } from './disallowed-unique-constraint';

export const ALL_RULES: Rule[] = [
  syntaxError,
  preferTextField,
  preferIdentity,
  preferBigintOverSmallint,
  preferBigintOverInt,
  preferTimestamptz,
  banCharField,
  banTruncateCascade,
  banDropNotNull,
  banDropDatabase,
  banDropTable,
  banDropColumn,
  renamingTable,
  renamingColumn,
  changingColumnType,
  missingDownMigration,
  redundantIndex,
  foreignKeyWithoutIndex,
  nonTransactionalStatement,
  matviewWithoutUniqueIndex,
  downDoesNotReverseUp,
  preferRobustStmts,
  requireLockTimeout,
  requireStatementTimeout,
  transactionNesting,
  banUncommittedTransaction,
  identifierTooLong,
  requireEnumValueOrdering,
  banDuplicateColumnAssignments,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  banConcurrentIndexCreationInTransaction,
  constraintMissingNotValid,
  addingForeignKeyConstraint,
  addingFieldWithDefault,
  addingNotNullableField,
  addingRequiredField,
  addingSerialPrimaryKeyField,
  disallowedUniqueConstraint,
];

export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.id === id);
}
