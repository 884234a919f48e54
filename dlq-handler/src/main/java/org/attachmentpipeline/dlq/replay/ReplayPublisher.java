package org.attachmentpipeline.dlq.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.attachmentpipeline.dlq.audit.AuditRecord;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends the replayed records and the audit record of one action in one Kafka transaction: either
 * the tasks go back into the pipeline and the audit topic says so, or neither happens. The
 * pipeline's consumers read committed records only ({@code isolation.level=read_committed}), so an
 * aborted replay is never downloaded.
 */
class ReplayPublisher implements DisposableBean {

  private final DefaultKafkaProducerFactory<String, Object> factory;
  private final KafkaTemplate<String, Object> template;
  private final String auditTopic;
  private final Duration timeout;

  ReplayPublisher(
      DefaultKafkaProducerFactory<String, Object> factory, String auditTopic, Duration timeout) {
    this.factory = factory;
    this.template = new KafkaTemplate<>(factory);
    this.auditTopic = auditTopic;
    this.timeout = timeout;
  }

  /** Sends {@code records} and then {@code audit}, committed together. */
  void publish(List<ProducerRecord<String, Object>> records, AuditRecord audit) {
    template.executeInTransaction(
        operations -> {
          List<CompletableFuture<?>> sent = new ArrayList<>();
          for (ProducerRecord<String, Object> record : records) {
            sent.add(operations.send(record));
          }
          sent.add(operations.send(auditTopic, audit.id(), audit));
          await(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)));
          return null;
        });
  }

  private void await(CompletableFuture<?> sent) {
    try {
      sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending the replay", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka refused the replay: " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not acknowledge the replay within " + timeout, e);
    }
  }

  @Override
  public void destroy() {
    factory.destroy();
  }
}
