#!/usr/bin/env ruby
# Enqueue a spawnq job in the same transaction as the application's own row.
require 'json'
require 'pg'

def place_order(conn, item, commit)
  conn.exec('BEGIN')
  order_id = conn.exec_params('INSERT INTO orders (item) VALUES ($1) RETURNING id', [item]).getvalue(0, 0)
  job_id = conn.exec_params("SELECT spawnq.enqueue(job_type => 'echo', payload => $1::jsonb, queue => 'default')",
                            [JSON.generate({ order_id: order_id.to_i, item: item })]).getvalue(0, 0)
  conn.exec(commit ? 'COMMIT' : 'ROLLBACK')
  puts "#{commit ? 'committed' : 'rolled back'} order=#{order_id} job=#{job_id}"
rescue StandardError
  conn.exec('ROLLBACK')
  raise
end

conn = PG.connect # libpq's environment: PGHOST, PGUSER, PGDATABASE, …
place_order(conn, 'ruby book', true)
place_order(conn, 'ruby mug', false)
conn.close
