// Enqueue a spawnq job in the same transaction as the application's own row.
const { Client } = require('pg');

async function placeOrder(client, item, commit) {
  await client.query('BEGIN');
  try {
    const order = await client.query('INSERT INTO orders (item) VALUES ($1) RETURNING id', [item]);
    const orderId = Number(order.rows[0].id);
    const job = await client.query(
      "SELECT spawnq.enqueue(job_type => 'echo', payload => $1::jsonb, queue => 'default') AS id",
      [JSON.stringify({ order_id: orderId, item })]);
    await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    console.log(`${commit ? 'committed' : 'rolled back'} order=${orderId} job=${job.rows[0].id}`);
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

(async () => {
  const client = new Client();  // libpq's environment: PGHOST, PGUSER, PGDATABASE, …
  await client.connect();
  await placeOrder(client, 'node book', true);
  await placeOrder(client, 'node mug', false);
  await client.end();
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
