package org.attachmentpipeline.upload.upload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.message.CachedDownload;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.stereotype.Component;

/**
 * Runs one poll's records (at most {@code max-concurrency}) as concurrent uploads and returns when
 * all are finished, so the container commits the batch only when nothing in it is unfinished. The
 * first record that failed, in poll order, is reported to the error handler with {@link
 * BatchListenerFailedException}: offsets before it are committed, it is retried after a backoff,
 * and the records after it come again (those already uploaded are recognised as done).
 */
@Component
class UploadBatch {

  private static final LogAccessor LOG = new LogAccessor(UploadBatch.class);

  private final UploadService uploads;

  UploadBatch(UploadService uploads) {
    this.uploads = uploads;
  }

  void run(List<ConsumerRecord<String, CachedDownload>> records) {
    List<CompletableFuture<Void>> running = new ArrayList<>(records.size());
    for (ConsumerRecord<String, CachedDownload> record : records) {
      running.add(record.value() == null ? unreadable(record) : uploads.upload(record));
    }
    for (int i = 0; i < running.size(); i++) {
      Throwable failure = failureOf(running.get(i));
      if (failure != null) {
        throw new BatchListenerFailedException(failure.getMessage(), failure, i);
      }
    }
  }

  private static CompletableFuture<Void> unreadable(ConsumerRecord<String, CachedDownload> record) {
    DeserializationException e = SerializationUtils.getExceptionFromHeader(
        record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
    return CompletableFuture.failedFuture(e != null ? e
        : new IllegalArgumentException("record at offset " + record.offset() + " has no value"));
  }

  private static Throwable failureOf(CompletableFuture<Void> upload) {
    try {
      upload.get();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    } catch (ExecutionException | CompletionException e) {
      return e.getCause() == null ? e : e.getCause();
    }
  }
}
