package org.attachmentpipeline.download;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The download worker's settings, bound from {@code pipeline.download}; defaults live in {@code
 * download-worker.yaml}, environment variables override them ({@code
 * PIPELINE_DOWNLOAD_MAX_CONCURRENCY}).
 *
 * @param cacheDir where downloaded files wait for upload
 * @param cacheMaxBytes above this many bytes in the cache, consumption pauses until uploads free
 *     space
 * @param cacheRescanInterval how often the cache directory is measured again (uploads delete files)
 * @param maxConcurrency downloads in flight at once in this instance, pending and retry tiers
 *     together
 * @param connectTimeout time allowed to open a connection
 * @param readTimeout time allowed for the response headers, and for each pause between body bytes
 * @param totalTimeout time allowed for a whole download
 * @param maxFileSize the largest file accepted
 * @param maxRedirects redirects followed (each hop checked by the URL policy)
 * @param groupId the consumer group of the pending topic ({@code <group-id>-retry} reads the tiers)
 * @param userAgent the User-Agent header sent to the sources
 * @param pollTimeout the containers' poll timeout: bounds how late a paused container, or a retry
 *     partition whose record falls due, is resumed
 * @param revokeGrace how long a revoked partition's running downloads may take to finish (and be
 *     committed) before the partition goes to its new owner; later ones are cancelled and done
 *     again there. At most half of {@code max.poll.interval.ms}.
 * @param urlPolicy which addresses may be downloaded from
 * @param hosts per-host settings, keyed by host name ({@code hosts[api.example.com].headers.X=...})
 * @param resume whether a cut-off download continues from the bytes already in the cache
 * @param errorBackoff how an unexpected failure thrown by a task listener itself is tried again
 * @param publishBackoff how an outcome that Kafka does not take yet is published again
 * @param ioThreads the HTTP client's event-loop threads; 0 (the default) for one per processor the
 *     JVM may use (Reactor Netty's own default is at least 4)
 */
@Validated
@ConfigurationProperties("pipeline.download")
public record DownloadProperties(
    @NotNull Path cacheDir,
    @NotNull DataSize cacheMaxBytes,
    @NotNull Duration cacheRescanInterval,
    @Min(1) int maxConcurrency,
    @NotNull Duration connectTimeout,
    @NotNull Duration readTimeout,
    @NotNull Duration totalTimeout,
    @NotNull DataSize maxFileSize,
    @Min(0) int maxRedirects,
    @NotBlank String groupId,
    @NotBlank String userAgent,
    @NotNull Duration pollTimeout,
    @NotNull Duration revokeGrace,
    @Valid UrlPolicy urlPolicy,
    Map<String, @Valid Host> hosts,
    @Valid Resume resume,
    @Valid ErrorBackoff errorBackoff,
    @Valid PublishBackoff publishBackoff,
    @Min(0) int ioThreads) {

  @ConstructorBinding
  public DownloadProperties {
    urlPolicy = urlPolicy == null ? new UrlPolicy(true, List.of()) : urlPolicy;
    hosts = hosts == null ? Map.of() : Map.copyOf(hosts);
    resume = resume == null ? new Resume(true, null, null) : resume;
    errorBackoff = errorBackoff == null ? ErrorBackoff.DEFAULT : errorBackoff;
    publishBackoff = publishBackoff == null ? PublishBackoff.DEFAULT : publishBackoff;
  }

  /**
   * The settings with the default back-offs ({@link ErrorBackoff#DEFAULT}, {@link
   * PublishBackoff#DEFAULT}) and event loops.
   */
  public DownloadProperties(
      Path cacheDir,
      DataSize cacheMaxBytes,
      Duration cacheRescanInterval,
      int maxConcurrency,
      Duration connectTimeout,
      Duration readTimeout,
      Duration totalTimeout,
      DataSize maxFileSize,
      int maxRedirects,
      String groupId,
      String userAgent,
      Duration pollTimeout,
      Duration revokeGrace,
      UrlPolicy urlPolicy,
      Map<String, Host> hosts,
      Resume resume) {
    this(
        cacheDir,
        cacheMaxBytes,
        cacheRescanInterval,
        maxConcurrency,
        connectTimeout,
        readTimeout,
        totalTimeout,
        maxFileSize,
        maxRedirects,
        groupId,
        userAgent,
        pollTimeout,
        revokeGrace,
        urlPolicy,
        hosts,
        resume,
        null,
        null,
        0);
  }

  /**
   * How many event-loop threads the HTTP client runs on: {@link #ioThreads()}, or one per
   * processor.
   */
  public int eventLoopThreads() {
    return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
  }

  /**
   * The back-off of the task containers' error handler. Only what a listener throws itself gets
   * here (a download's own failures are routed to the retry tiers, and the retry gate's wait is
   * sought back to): it is tried again after {@code initial}, doubling up to {@code max}, and
   * routed like a failed download once {@code giveUpAfter} has passed.
   *
   * @param initial the first wait
   * @param max the longest wait
   * @param giveUpAfter how long a record is tried before it is routed
   */
  public record ErrorBackoff(
      @NotNull Duration initial, @NotNull Duration max, @NotNull Duration giveUpAfter) {

    /** 1 s, 2 s, 4 s... (at most 30 s), for one minute. */
    public static final ErrorBackoff DEFAULT =
        new ErrorBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(1));
  }

  /**
   * How an outcome (the cached record, a retry, a result, a dead letter) that Kafka does not take
   * (the broker is away) is published again: after {@code initial}, doubling up to {@code max}, for
   * as long as it takes; its record is not acknowledged meanwhile.
   *
   * @param initial the first wait
   * @param max the longest wait
   */
  public record PublishBackoff(@NotNull Duration initial, @NotNull Duration max) {

    /** 1 s, 2 s, 4 s... at most 30 s. */
    public static final PublishBackoff DEFAULT =
        new PublishBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  /**
   * Continuing cut-off downloads (docs/adr/0030): a body cut off from a source with a strong
   * validator and byte ranges keeps its part file, and the task's next attempt on this cache
   * directory asks for the rest only.
   *
   * @param enabled whether cut-off downloads are kept and continued
   * @param minSize files smaller than this always start over (not worth a kept file)
   * @param keepFor a kept part file no attempt has taken over by then is deleted (its retry ran
   *     elsewhere, or the task was given up); longer than the longest retry delay
   */
  public record Resume(boolean enabled, DataSize minSize, Duration keepFor) {
    public Resume {
      minSize = minSize == null ? DataSize.ofMegabytes(1) : minSize;
      keepFor = keepFor == null ? Duration.ofHours(2) : keepFor;
    }
  }

  /**
   * The hostile-URL policy.
   *
   * @param enabled whether loopback, private, link-local, metadata, multicast and reserved
   *     addresses are refused (on by default)
   * @param allow host names ({@code files.internal}, {@code *.corp.example}), addresses or CIDRs
   *     ({@code 10.20.0.0/16}) that are allowed all the same
   */
  public record UrlPolicy(boolean enabled, List<String> allow) {
    public UrlPolicy {
      allow = allow == null ? List.of() : List.copyOf(allow);
    }
  }

  /**
   * Settings of one source host; unset values fall back to the worker's own.
   *
   * @param headers extra request headers (an API token); values are never logged or published
   * @param maxConcurrency downloads from this host in flight at once
   * @param readTimeout the read timeout for this host
   * @param totalTimeout the total timeout for this host
   */
  public record Host(
      Map<String, String> headers,
      @Min(1) Integer maxConcurrency,
      Duration readTimeout,
      Duration totalTimeout) {
    public Host {
      headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
  }
}
