package org.attachmentpipeline.upload.transfer;

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
 * every one of them has finished, successfully or not, so that nothing of the batch is still
 * running when the container commits it or the error handler seeks back.
 *
 * <p>A failed upload is reported with {@link BatchListenerFailedException} at the index of the
 * first failure in poll order: Spring Kafka's error handler commits the offsets before it, pauses
 * the container for the backoff, and delivers the rest again. Of the rest, the uploads that
 * succeeded have already stored their file and sent their result; {@link FinishedRecords} remembers
 * them and the redelivery skips them, so only the failed ones run again. This keeps Spring Kafka's
 * per-record backoff, give-up and offset handling (a failure is retried by the same pausing
 * back-off, the container never sleeps) and needs no reordering of offsets: an offset is still
 * committed only when everything before it in its partition is finished. Sending results for every
 * success and seeking to the first failure is what happens; retrying the failed records inside the
 * listener instead would hold the consumer thread for the whole backoff.
 */
@Component
class UploadBatch {

  private static final LogAccessor LOG = new LogAccessor(UploadBatch.class);

  private final UploadService uploads;
  private final FinishedRecords finished;

  UploadBatch(UploadService uploads, FinishedRecords finished) {
    this.uploads = uploads;
    this.finished = finished;
  }

  void run(List<ConsumerRecord<String, CachedDownload>> records) {
    finished.startBatch(records);
    List<CompletableFuture<Void>> running = new ArrayList<>(records.size());
    for (ConsumerRecord<String, CachedDownload> record : records) {
      if (finished.contains(record)) {
        LOG.debug(
            () ->
                "Skipping "
                    + record.topic()
                    + "-"
                    + record.partition()
                    + "@"
                    + record.offset()
                    + ": finished before an earlier record of its batch failed");
        running.add(CompletableFuture.completedFuture(null));
      } else {
        running.add(record.value() == null ? unreadable(record) : uploads.upload(record));
      }
    }
    int firstFailure = -1;
    Throwable failure = null;
    for (int i = 0; i < running.size(); i++) {
      Throwable failed = failureOf(running.get(i));
      if (failed != null && firstFailure < 0) {
        firstFailure = i;
        failure = failed;
      }
    }
    if (firstFailure < 0) {
      return;
    }
    for (int i = firstFailure + 1; i < running.size(); i++) {
      if (failureOf(running.get(i)) == null) {
        finished.add(records.get(i));
      }
    }
    throw new BatchListenerFailedException(
        String.valueOf(failure.getMessage()), failure, firstFailure);
  }

  private static CompletableFuture<Void> unreadable(ConsumerRecord<String, CachedDownload> record) {
    DeserializationException e =
        SerializationUtils.getExceptionFromHeader(
            record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
    if (e == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("record at offset " + record.offset() + " has no value"));
    }
    // the reason (which field is missing, what did not parse) is the cause's message
    Throwable cause = e.getCause() == null ? e : e.getCause();
    return CompletableFuture.failedFuture(
        new DeserializationException(
            "unreadable record at "
                + record.topic()
                + "-"
                + record.partition()
                + "@"
                + record.offset()
                + ": "
                + cause.getMessage(),
            e.getData(),
            false,
            e));
  }

  /** The failure of a finished upload, waiting for it first; null when it succeeded. */
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
