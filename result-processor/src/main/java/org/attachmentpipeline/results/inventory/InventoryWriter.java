package org.attachmentpipeline.results.inventory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.results.delta.AppendResult;
import org.attachmentpipeline.results.delta.IdempotentDeltaAppender;
import org.attachmentpipeline.results.delta.PartitionCommitter;
import org.attachmentpipeline.results.delta.TopicIds;
import org.attachmentpipeline.results.delta.VersionedRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes result records to the inventory table, one idempotent commit per batch (see {@link
 * PartitionCommitter}), one row per task outcome: a result is the outcome {@code (task_id,
 * replays)}, and a copy of one already in the table (published again after a rebalance, a batch
 * done again, a crash before the cache was cleaned up) is logged and not written. Counts each row
 * that reached the table by status and latency.
 */
final class InventoryWriter {

  private static final Logger log = LoggerFactory.getLogger(InventoryWriter.class);

  private final PartitionCommitter committer;
  private final InventoryMetrics metrics;

  /**
   * @param appender the inventory's appender, with {@code task_id} as its outcome key
   * @param topicIds the ids of the results topic's incarnations
   */
  InventoryWriter(IdempotentDeltaAppender appender, InventoryMetrics metrics, TopicIds topicIds) {
    this.committer =
        new PartitionCommitter(InventoryMetrics.TABLE, appender, metrics.table(), topicIds);
    this.metrics = metrics;
  }

  /**
   * Writes {@code records} (readable results only) in one commit. Throws when the commit fails;
   * then none of them is in the table, and the batch comes again. A result whose row lacks a
   * required value is not written: it is in its partition's {@link AppendResult#invalid()}, for the
   * dead-letter topic.
   */
  Map<TopicPartition, AppendResult> write(List<ConsumerRecord<String, DownloadResult>> records) {
    Map<TopicPartition, List<VersionedRow>> rows = new LinkedHashMap<>();
    Map<TopicPartition, Map<Long, InventoryRow>> byOffset = new LinkedHashMap<>();
    for (ConsumerRecord<String, DownloadResult> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      InventoryRow row =
          InventoryRow.of(record.value(), Instant.ofEpochMilli(Math.max(record.timestamp(), 0)));
      rows.computeIfAbsent(partition, p -> new ArrayList<>())
          .add(
              new VersionedRow(
                  record.offset(), InventorySchema.values(row), record.value().replays()));
      byOffset.computeIfAbsent(partition, p -> new LinkedHashMap<>()).put(record.offset(), row);
    }
    Map<TopicPartition, AppendResult> results = new LinkedHashMap<>();
    committer.commit(
        rows,
        (partition, result) -> {
          results.put(partition, result);
          Map<Long, InventoryRow> rowsAt = byOffset.get(partition);
          for (VersionedRow added : result.added()) {
            InventoryRow row = rowsAt.get(added.version());
            metrics.rowWritten(row);
            log.debug(
                "Inventory row task_id={} trace_id={} status={} offset={}",
                row.taskId(),
                row.traceId(),
                row.status(),
                added.version());
          }
          for (VersionedRow copy : result.copies()) {
            InventoryRow row = rowsAt.get(copy.version());
            log.info(
                "Inventory: result of task_id={} (replays={}, status={}) from {}@{} is a copy of an"
                    + " outcome already in the table: not written",
                row.taskId(),
                copy.occurrence(),
                row.status(),
                partition,
                copy.version());
          }
        });
    return results;
  }
}
