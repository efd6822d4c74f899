/** Validation of what the user types in the extension's input boxes. */
import { toSnakeName } from '../../core/create';

/** Undefined when the name is usable; otherwise the message shown under the input box. */
export function validateMigrationName(input: string, existingNames: string[]): string | undefined {
  if (input.trim() === '') return 'Type a name, e.g. create_space_objects';
  const name = toSnakeName(input);
  if (!name) return 'Use letters or digits (e.g. create_space_objects)';
  if (name.length > 100) return 'Keep the name under 100 characters';
  if (/^\d/.test(name)) return 'Start with a letter: the number is added for you';
  if (existingNames.includes(name)) return `A migration named "${name}" already exists`;
  return undefined;
}

/** What the file will be called, shown while typing. */
export function migrationNamePreview(input: string): string {
  const name = toSnakeName(input);
  return name ? `Creates NNN_${name}.sql` : '';
}

/** The typed confirmation for a protected environment: exactly its name. */
export function confirmationError(input: string, environment: string): string | undefined {
  return input === environment ? undefined : `Type "${environment}" to confirm`;
}

/** Status bar text: environment and pending count (codicons in $(...)). */
export function statusBarText(environment: string, pending: number | null, isProtected: boolean): string {
  const icon = isProtected ? '$(shield)' : '$(database)';
  if (pending === null) return `${icon} ${environment}`;
  return `${icon} ${environment} · ${pending} pending`;
}
