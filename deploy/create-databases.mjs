// Creates each service's database if it does not exist yet (idempotent).
import pg from 'pg';

const server = process.argv[2];
const databases = process.argv.slice(3);
if (!server || databases.length === 0) {
  console.error('usage: node deploy/create-databases.mjs postgres://user@host:port db1 [db2 ...]');
  process.exit(2);
}
const client = new pg.Client({ connectionString: `${server}/postgres` });
try {
  await client.connect();
} catch (error) {
  console.error(`[umbrella] error: cannot reach PostgreSQL at ${server}: ${error.message}`);
  process.exit(1);
}
for (const db of databases) {
  if (!/^[a-z0-9_]+$/.test(db)) throw new Error(`bad database name ${db}`);
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
  if (rowCount === 0) {
    await client.query(`CREATE DATABASE ${db}`);
    console.error(`[umbrella] created database ${db}`);
  }
}
await client.end();
