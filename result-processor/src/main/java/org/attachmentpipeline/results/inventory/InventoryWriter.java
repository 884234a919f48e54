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
import org.attachmentpipeline.results.delta.VersionedRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes result records to the inventory table: one Delta commit per Kafka topic-partition in a
 * batch, tagged with the application transaction id {@code
 * result-processor-inventory-<topic>-<partition>} and the highest offset written, so that records
 * at or below an offset that already reached the table are skipped when a batch is delivered again.
 */
final class InventoryWriter {

  private static final Logger log = LoggerFactory.getLogger(InventoryWriter.class);
  static final String APP_ID_PREFIX = "result-processor-inventory-";

  private final IdempotentDeltaAppender appender;
  private final InventoryMetrics metrics;

  InventoryWriter(IdempotentDeltaAppender appender, InventoryMetrics metrics) {
    this.appender = appender;
    this.metrics = metrics;
  }

  /** The application transaction id of one topic-partition. */
  static String appId(TopicPartition partition) {
    return APP_ID_PREFIX + partition.topic() + "-" + partition.partition();
  }

  /**
   * Writes {@code records} (readable results only), one commit per topic-partition. Throws when a
   * commit fails; partitions committed before the failure are skipped when the batch comes again.
   */
  Map<TopicPartition, AppendResult> write(List<ConsumerRecord<String, DownloadResult>> records) {
    Map<TopicPartition, List<ConsumerRecord<String, DownloadResult>>> byPartition =
        new LinkedHashMap<>();
    for (ConsumerRecord<String, DownloadResult> record : records) {
      byPartition
          .computeIfAbsent(
              new TopicPartition(record.topic(), record.partition()), p -> new ArrayList<>())
          .add(record);
    }
    Map<TopicPartition, AppendResult> results = new LinkedHashMap<>();
    byPartition.forEach(
        (partition, partitionRecords) ->
            results.put(partition, write(partition, partitionRecords)));
    return results;
  }

  private AppendResult write(
      TopicPartition partition, List<ConsumerRecord<String, DownloadResult>> records) {
    List<VersionedRow> rows = new ArrayList<>(records.size());
    Map<Long, InventoryRow> byOffset = new LinkedHashMap<>();
    for (ConsumerRecord<String, DownloadResult> record : records) {
      InventoryRow row =
          InventoryRow.of(record.value(), Instant.ofEpochMilli(Math.max(record.timestamp(), 0)));
      byOffset.put(record.offset(), row);
      rows.add(new VersionedRow(record.offset(), InventorySchema.values(row)));
    }
    metrics.table().batch(rows.size());
    long started = System.nanoTime();
    AppendResult result;
    try {
      result = appender.append(appId(partition), rows);
    } catch (RuntimeException e) {
      // Handled by the listener container's error handler, which delivers the batch again.
      metrics.table().commitFailed();
      log.warn(
          "Inventory commit of {} record(s) from {} failed; the batch will be delivered again",
          rows.size(),
          partition,
          e);
      throw e;
    }
    if (result.written() > 0) {
      metrics.table().committed(System.nanoTime() - started);
      byOffset.forEach(
          (offset, row) -> {
            if (offset > result.previousVersion()) {
              metrics.rowWritten(row);
              log.debug(
                  "Inventory row task_id={} trace_id={} status={} offset={}",
                  row.taskId(),
                  row.traceId(),
                  row.status(),
                  offset);
            }
          });
      log.info(
          "Inventory: {} row(s) from {} committed as Delta version {}{}",
          result.written(),
          partition,
          result.tableVersion(),
          result.skipped() > 0 ? " (" + result.skipped() + " already in the table)" : "");
    } else {
      log.info(
          "Inventory: {} record(s) from {} were already in the table", result.skipped(), partition);
    }
    metrics.table().replayed(result.skipped());
    return result;
  }
}
