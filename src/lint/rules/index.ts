import { suppressionRules } from '../suppress.js';
import type { LintRule } from '../types.js';
import { addingFieldWithVolatileDefault, addingRequiredField, changingColumnType } from './columns.js';
import {
  banCharField,
  preferBigintOverInt,
  preferIdentity,
  preferTextField,
  preferTimestamptz,
} from './column-types.js';
import { constraintMissingNotValid, disallowedUniqueConstraint, setNotNullWithoutCheck } from './constraints.js';
import {
  banDropColumn,
  banDropDatabase,
  banDropSchema,
  banDropTable,
  banTruncate,
  deleteWithoutWhere,
  updateWithoutWhere,
} from './destructive.js';
import { missingDown, modifiedAppliedMigration } from './files.js';
import { requireConcurrentIndex, requireConcurrentIndexDeletion } from './indexes.js';
import { renamingColumn, renamingTable } from './renames.js';
import {
  banConcurrentIndexCreationInTransaction,
  mixedTransactionMode,
  preferRobustStmts,
  transactionNesting,
} from './transactions.js';

const SQL_RULES: readonly LintRule[] = [
  requireConcurrentIndex,
  requireConcurrentIndexDeletion,
  addingRequiredField,
  addingFieldWithVolatileDefault,
  changingColumnType,
  setNotNullWithoutCheck,
  constraintMissingNotValid,
  disallowedUniqueConstraint,
  banDropTable,
  banDropColumn,
  banDropSchema,
  banDropDatabase,
  banTruncate,
  deleteWithoutWhere,
  updateWithoutWhere,
  renamingTable,
  renamingColumn,
  transactionNesting,
  banConcurrentIndexCreationInTransaction,
  mixedTransactionMode,
  preferRobustStmts,
  preferBigintOverInt,
  preferIdentity,
  banCharField,
  preferTextField,
  preferTimestamptz,
  missingDown,
  modifiedAppliedMigration,
];

const ids = new Set(SQL_RULES.map((rule) => rule.id));

/** Every rule the linter runs, in the order their findings are listed for one position. */
export const RULES: readonly LintRule[] = [
  ...SQL_RULES,
  ...suppressionRules((id) => ids.has(id) || id.startsWith('lint-ignore-')),
];
