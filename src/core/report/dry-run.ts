/** A dry run's report: per migration, each statement's line, time, rows and SQL, and the locks it took. */
import type { MigrationRehearsal } from '../rehearsal';
import type { Style } from './style';

const SQL_WIDTH = 70;

/** One line per entry; `where` names the database ("test (postgres://…)"). */
export function renderDryRun(rehearsals: MigrationRehearsal[], where: string, style: Style): string[] {
  const lines = [`Dry run on ${where}: everything below was rolled back.`];
  if (rehearsals.length === 0) lines.push('Nothing to run.');
  for (const m of rehearsals) {
    lines.push(`${m.direction === 'up' ? '↑' : '↓'} ${m.id}`);
    if (!m.statements) {
      lines.push(style.yellow(`  not run: it ${m.skippedReason}`));
      continue;
    }
    for (const st of m.statements) {
      const text = st.sql.replace(/\s+/g, ' ').trim();
      const shown = text.length > SQL_WIDTH ? `${text.slice(0, SQL_WIDTH - 3)}...` : text;
      lines.push(`  line ${st.line}  ${st.durationMs} ms  ${st.rows} row${st.rows === 1 ? '' : 's'}  ${shown}`);
      // An ACCESS EXCLUSIVE lock blocks every reader of the table: the one lock worth flagging.
      for (const l of st.locks) lines.push(`      ${l.mode === 'AccessExclusiveLock' ? style.red(l.mode) : l.mode} on ${l.object}`);
    }
  }
  return lines;
}
