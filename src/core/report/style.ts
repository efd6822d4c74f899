/**
 * How a report is dressed: the shell decides (terminal colours and box tables in the CLI,
 * plain text in the editor's output channel and in piped output); the words stay in core.
 */
import { plainTable } from './format';

export interface Style {
  green: (s: string) => string;
  yellow: (s: string) => string;
  red: (s: string) => string;
  cyan: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
  table(head: string[], rows: string[][]): string;
}

const unchanged = (s: string): string => s;

/** No colours, tables as space-aligned columns: logs, pipes, the output channel, tests. */
export const PLAIN_STYLE: Style = {
  green: unchanged,
  yellow: unchanged,
  red: unchanged,
  cyan: unchanged,
  dim: unchanged,
  bold: unchanged,
  table: plainTable,
};
