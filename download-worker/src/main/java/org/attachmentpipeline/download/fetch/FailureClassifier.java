package org.attachmentpipeline.download.fetch;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.secret.UrlRedaction;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Turns an error from a download into a {@link Failure} for the retry router. Messages are short,
 * and any URL in them is redacted: a query may carry a signature or a token.
 */
final class FailureClassifier {

  private final Duration readTimeout;
  private final Duration totalTimeout;

  FailureClassifier(Duration readTimeout, Duration totalTimeout) {
    this.readTimeout = readTimeout;
    this.totalTimeout = totalTimeout;
  }

  Failure classify(Throwable error) {
    Failure failure = classifyUnredacted(error);
    return new Failure(
        failure.kind(),
        failure.code(),
        UrlRedaction.redactUrlsIn(failure.message()),
        failure.retryAfter());
  }

  private Failure classifyUnredacted(Throwable error) {
    for (Throwable cause = error; cause != null; cause = next(cause)) {
      if (cause instanceof BlockedAddressException blocked) {
        return Failure.of(FailureKind.DISALLOWED_URL, blocked.getMessage());
      }
    }
    Throwable root = error;
    for (Throwable cause = error; cause != null; cause = next(cause)) {
      Failure failure = classifyOne(cause);
      if (failure != null) {
        return failure;
      }
      root = cause;
    }
    // the innermost cause: outer wrappers (WebClientRequestException) repeat the URL
    return Failure.of(FailureKind.UNEXPECTED, describe(root));
  }

  private Failure classifyOne(Throwable cause) {
    if (cause instanceof BodyException body) {
      return body.failure();
    }
    if (cause instanceof ConnectTimeoutException) {
      return Failure.of(FailureKind.TIMEOUT, "connect timed out");
    }
    if (cause instanceof ReadTimeoutException) {
      return Failure.of(
          FailureKind.TIMEOUT, "no response or no bytes within the read timeout of " + readTimeout);
    }
    if (cause instanceof TimeoutException) {
      return Failure.of(
          FailureKind.TIMEOUT, "download exceeded the total timeout of " + totalTimeout);
    }
    if (cause instanceof PrematureCloseException) {
      return Failure.of(
          FailureKind.CONNECTION, "connection closed before the response was complete");
    }
    if (cause instanceof UnknownHostException) {
      return Failure.of(FailureKind.CONNECTION, "unknown host: " + cause.getMessage());
    }
    if (cause instanceof ConnectException) {
      return Failure.of(FailureKind.CONNECTION, "connection refused: " + cause.getMessage());
    }
    if (cause instanceof FileSystemException) {
      return Failure.of(FailureKind.UNEXPECTED, "cache write failed: " + describe(cause));
    }
    if (cause instanceof IOException) {
      return Failure.of(FailureKind.CONNECTION, describe(cause));
    }
    return null;
  }

  private static Throwable next(Throwable cause) {
    Throwable next = cause.getCause();
    return next == cause ? null : next;
  }

  private static String describe(Throwable error) {
    return error.getMessage() == null
        ? error.getClass().getSimpleName()
        : error.getClass().getSimpleName() + ": " + error.getMessage();
  }
}
