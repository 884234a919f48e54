package org.attachmentpipeline.download;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The download worker's settings, bound from {@code pipeline.download}; defaults live in {@code
 * download-worker.yaml}, environment variables override them ({@code
 * PIPELINE_DOWNLOAD_MAX_CONCURRENCY}).
 *
 * @param cacheDir where downloaded files wait for upload
 * @param maxConcurrency downloads in flight at once in this instance
 * @param connectTimeout time allowed to open a connection
 * @param readTimeout time allowed for the response headers, and for each pause between body bytes
 * @param totalTimeout time allowed for a whole download
 * @param maxFileSize the largest file accepted
 * @param groupId the consumer group of the pending and retry topics
 * @param userAgent the User-Agent header sent to the sources
 */
@Validated
@ConfigurationProperties("pipeline.download")
public record DownloadProperties(
    @NotNull Path cacheDir,
    @Min(1) int maxConcurrency,
    @NotNull Duration connectTimeout,
    @NotNull Duration readTimeout,
    @NotNull Duration totalTimeout,
    @NotNull DataSize maxFileSize,
    @NotBlank String groupId,
    @NotBlank String userAgent) {}
