package org.attachmentpipeline.observability;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.attachmentpipeline.common.deadletter.FailureReasons;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.RetryListener;

/**
 * A WARN line for every failed delivery that an error handler retries (Spring Kafka logs its
 * retries at DEBUG only), so that a record or batch that fails again and again, holding back its
 * partition, says why each time. The stack trace goes with the first failure.
 */
public final class RedeliveryLog implements RetryListener {

  private static final Logger log = LoggerFactory.getLogger(RedeliveryLog.class);

  @Override
  public void failedDelivery(ConsumerRecords<?, ?> records, Exception ex, int deliveryAttempt) {
    String reason = FailureReasons.describe(ex);
    String message =
        "Could not handle {} record(s) from {} (delivery {}); they are delivered again after a"
            + " back-off, and nothing after them in their partitions is handled meanwhile: {}";
    if (deliveryAttempt <= 1) {
      log.warn(message, records.count(), records.partitions(), deliveryAttempt, reason, ex);
    } else {
      log.warn(message, records.count(), records.partitions(), deliveryAttempt, reason);
    }
  }

  @Override
  public void failedDelivery(ConsumerRecord<?, ?> record, Exception ex, int deliveryAttempt) {
    String message =
        "Could not handle {}-{}@{} (delivery {}); it is delivered again after a back-off, and"
            + " nothing after it in its partition is handled meanwhile: {}";
    String reason = FailureReasons.describe(ex);
    if (deliveryAttempt <= 1) {
      log.warn(
          message,
          record.topic(),
          record.partition(),
          record.offset(),
          deliveryAttempt,
          reason,
          ex);
    } else {
      log.warn(
          message, record.topic(), record.partition(), record.offset(), deliveryAttempt, reason);
    }
  }
}
