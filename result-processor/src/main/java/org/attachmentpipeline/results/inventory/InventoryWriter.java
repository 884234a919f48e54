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
import org.attachmentpipeline.results.delta.VersionedRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes result records to the inventory table, one idempotent commit per topic-partition (see
 * {@link PartitionCommitter}), and counts each row that reached the table by status and latency.
 */
final class InventoryWriter {

  private static final Logger log = LoggerFactory.getLogger(InventoryWriter.class);

  private final PartitionCommitter committer;
  private final InventoryMetrics metrics;

  InventoryWriter(IdempotentDeltaAppender appender, InventoryMetrics metrics) {
    this.committer = new PartitionCommitter(InventoryMetrics.TABLE, appender, metrics.table());
    this.metrics = metrics;
  }

  /**
   * Writes {@code records} (readable results only), one commit per topic-partition. Throws when a
   * commit fails; partitions committed before the failure are skipped when the batch comes again.
   */
  Map<TopicPartition, AppendResult> write(List<ConsumerRecord<String, DownloadResult>> records) {
    Map<TopicPartition, List<VersionedRow>> rows = new LinkedHashMap<>();
    Map<TopicPartition, Map<Long, InventoryRow>> byOffset = new LinkedHashMap<>();
    for (ConsumerRecord<String, DownloadResult> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      InventoryRow row =
          InventoryRow.of(record.value(), Instant.ofEpochMilli(Math.max(record.timestamp(), 0)));
      rows.computeIfAbsent(partition, p -> new ArrayList<>())
          .add(new VersionedRow(record.offset(), InventorySchema.values(row)));
      byOffset.computeIfAbsent(partition, p -> new LinkedHashMap<>()).put(record.offset(), row);
    }
    Map<TopicPartition, AppendResult> results = new LinkedHashMap<>();
    committer.commit(
        rows,
        (partition, result) -> {
          results.put(partition, result);
          byOffset.get(partition).forEach((offset, row) -> {
            if (offset > result.previousVersion()) {
              metrics.rowWritten(row);
              log.debug(
                  "Inventory row task_id={} trace_id={} status={} offset={}",
                  row.taskId(), row.traceId(), row.status(), offset);
            }
          });
        });
    return results;
  }
}
