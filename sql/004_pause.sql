-- 004_pause: queues an operator paused (`spawnq pause QUEUE`). The claim
-- itself checks this table, so every daemon on every host stops claiming
-- from a paused queue at once; jobs already running finish.
CREATE TABLE spawnq.paused_queues (
  queue      text PRIMARY KEY CHECK (queue ~ '^[A-Za-z0-9_.-]{1,56}$'),
  paused_at  timestamptz NOT NULL DEFAULT now()
);
