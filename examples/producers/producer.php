<?php
// Enqueue a spawnq job in the same transaction as the application's own row.

function place_order(PDO $db, string $item, bool $commit): void {
    $db->beginTransaction();
    try {
        $order = $db->prepare('INSERT INTO orders (item) VALUES (?) RETURNING id');
        $order->execute([$item]);
        $orderId = (int) $order->fetchColumn();
        $job = $db->prepare("SELECT spawnq.enqueue(job_type => 'echo', payload => ?::jsonb, queue => 'default')");
        $job->execute([json_encode(['order_id' => $orderId, 'item' => $item])]);
        $jobId = (int) $job->fetchColumn();
        $commit ? $db->commit() : $db->rollBack();
    } catch (Throwable $e) {
        $db->rollBack();
        throw $e;
    }
    echo ($commit ? 'committed' : 'rolled back') . " order=$orderId job=$jobId\n";
}

// An empty DSN leaves every setting to libpq's environment: PGHOST, PGUSER, …
$db = new PDO('pgsql:', null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
place_order($db, 'php book', true);
place_order($db, 'php mug', false);
