#!/usr/bin/env python3
"""Enqueue a spawnq job in the same transaction as the application's own row."""
import json

import psycopg2


def place_order(conn, item, commit):
    with conn.cursor() as cur:  # psycopg2 opens the transaction at the first statement
        cur.execute("INSERT INTO orders (item) VALUES (%s) RETURNING id", (item,))
        order_id = cur.fetchone()[0]
        cur.execute(
            "SELECT spawnq.enqueue(job_type => 'echo', payload => %s::jsonb, queue => 'default')",
            (json.dumps({"order_id": order_id, "item": item}),),
        )
        job_id = cur.fetchone()[0]
    if commit:
        conn.commit()
    else:
        conn.rollback()
    print(f"{'committed' if commit else 'rolled back'} order={order_id} job={job_id}", flush=True)


conn = psycopg2.connect("")  # libpq's environment: PGHOST, PGUSER, PGDATABASE, …
place_order(conn, "python book", commit=True)
place_order(conn, "python mug", commit=False)
conn.close()
