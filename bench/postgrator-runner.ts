/**
 * A minimal command-line runner for postgrator (a library without a CLI of its own):
 *
 *   node out/bench/postgrator-runner.js migrate|status MIGRATIONS_DIR DATABASE_URL
 *
 * "status" lists every migration file with its applied state, like the other tools' status commands.
 */
import pg from 'pg';

async function main(): Promise<void> {
  const [command, dir, url] = process.argv.slice(2);
  if (!command || !dir || !url) throw new Error('usage: postgrator-runner migrate|status DIR URL');
  const { default: Postgrator } = await import('postgrator');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const postgrator = new Postgrator({
      migrationPattern: `${dir}/*`, driver: 'pg', database: new URL(url).pathname.slice(1),
      execQuery: (sql: string) => client.query(sql),
    });
    if (command === 'migrate') {
      const applied = await postgrator.migrate();
      console.log(`applied ${applied.length} migrations`);
    } else {
      const current = Number(await postgrator.getDatabaseVersion());
      const migrations = (await postgrator.getMigrations()).filter((m) => m.action === 'do');
      for (const m of migrations) console.log(`${m.version} ${m.name} ${m.version <= current ? 'applied' : 'pending'}`);
    }
  } finally {
    await client.end();
  }
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
