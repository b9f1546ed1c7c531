// graphile_peer.js: graphile-worker measured the way bench/throughput and
// bench/latency measure spawnq, for bench/peers. Needs graphile-worker on
// NODE_PATH and the database in DATABASE_URL.
//
//   node graphile_peer.js throughput TASK JOBS CONCURRENCY [batched]
//     TASK: `true` (each job spawns /bin/true and waits for it) or `noop`;
//     prints "JOBS_PER_S" from the first job's start to the last one's end.
//   node graphile_peer.js latency JOBS GAP_MS [batched]
//     enqueues JOBS jobs one at a time, GAP_MS apart, from this process; a
//     forked worker process notes when each task started; prints
//     "P50_MS P99_MS MAX_MS" from the enqueue's return to the task's start.
"use strict";
const { spawn, fork } = require("child_process");
const { performance } = require("perf_hooks");
const { Pool } = require("pg");
const { run, runMigrations } = require("graphile-worker");

const url = process.env.DATABASE_URL;
const wallMs = () => performance.timeOrigin + performance.now();

// `batched`: graphile's own fast path — jobs fetched ahead into a local
// queue, completions written in batches.
function preset(batched) {
  return batched
    ? { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } }
    : {};
}

function spawnTrue() {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/true", [], { stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`/bin/true exited ${code}`))));
  });
}

async function throughput(task, jobs, concurrency, batched) {
  await runMigrations({ connectionString: url });
  const pool = new Pool({ connectionString: url });
  await pool.query("SELECT count(graphile_worker.add_job($1, '{}'::json)) FROM generate_series(1, $2::int)", [
    task,
    jobs,
  ]);
  let first = 0;
  let last = 0;
  let finished = 0;
  let failed = 0;
  let allDone;
  const done = new Promise((resolve) => (allDone = resolve));
  const runner = await run({
    connectionString: url,
    concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    preset: preset(batched),
    logger: quietLogger(),
    taskList: { true: spawnTrue, noop: async () => {} },
  });
  runner.events.on("job:start", () => {
    if (!first) first = wallMs();
  });
  runner.events.on("job:success", () => {
    if (++finished === jobs) {
      last = wallMs();
      allDone();
    }
  });
  runner.events.on("job:error", () => ++failed);
  await done;
  await runner.stop();
  await pool.end();
  if (failed) throw new Error(`${failed} job(s) failed`);
  console.log(Math.round(jobs / ((last - first) / 1000)));
}

function quietLogger() {
  const { Logger } = require("graphile-worker");
  return new Logger(() => (level, message) => {
    if (level === "error") console.error(message);
  });
}

// The worker half of `latency`: runs until told to stop, then sends its stamps.
async function latencyWorker(batched) {
  const stamps = {};
  const runner = await run({
    connectionString: url,
    concurrency: 4,
    noHandleSignals: true,
    pollInterval: 2000,
    preset: preset(batched),
    logger: quietLogger(),
    taskList: {
      stamp: async (payload) => {
        stamps[payload.i] = wallMs();
      },
    },
  });
  process.send({ ready: true });  // the enqueuer's 20 warm-up jobs cover LISTEN still connecting
  process.on("message", async () => {
    await runner.stop();
    process.send({ stamps }, () => process.exit(0));
  });
}

async function latency(jobs, gapMs, batched) {
  await runMigrations({ connectionString: url });
  const worker = fork(__filename, ["latency-worker", batched ? "batched" : ""]);
  await new Promise((resolve) => worker.once("message", resolve));
  const pool = new Pool({ connectionString: url, max: 1 });
  const enqueued = {};
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const warmup = 20;
  for (let i = 0; i < warmup + jobs; ++i) {
    await pool.query("SELECT graphile_worker.add_job('stamp', json_build_object('i', $1::int))", [i]);
    enqueued[i] = wallMs();
    await sleep(gapMs);
  }
  await sleep(500);
  worker.send({ stop: true });
  const { stamps } = await new Promise((resolve) => worker.on("message", (m) => m.stamps && resolve(m)));
  await pool.end();
  const waits = [];
  for (let i = warmup; i < warmup + jobs; ++i) {
    if (stamps[i] === undefined) throw new Error(`job ${i} never started`);
    waits.push(stamps[i] - enqueued[i]);
  }
  waits.sort((a, b) => a - b);
  const at = (q) => waits[Math.min(waits.length - 1, Math.floor(q * waits.length))];
  console.log(`${at(0.5).toFixed(2)} ${at(0.99).toFixed(2)} ${waits[waits.length - 1].toFixed(2)}`);
}

const [mode, ...args] = process.argv.slice(2);
const main = {
  throughput: () => throughput(args[0], Number(args[1]), Number(args[2]), args[3] === "batched"),
  latency: () => latency(Number(args[0]), Number(args[1]), args[2] === "batched"),
  "latency-worker": () => latencyWorker(args[0] === "batched"),
}[mode];
if (!main) {
  console.error("usage: graphile_peer.js throughput TASK JOBS CONCURRENCY [batched] | latency JOBS GAP_MS [batched]");
  process.exit(2);
}
main().then(() => mode === "latency-worker" || process.exit(0), (error) => {
  console.error(`graphile_peer: ${error.message}`);
  process.exit(1);
});
