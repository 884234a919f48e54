package org.attachmentpipeline.upload.store;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.util.HttpClientOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.attachmentpipeline.upload.UploadProperties;
import org.attachmentpipeline.upload.destination.OneLakePath;

/**
 * Builds one DataLake service client per endpoint and one file-system client per workspace, once,
 * and shares them: the clients hold the connection pool and the token cache.
 */
final class DataLakeClients {

  private final UploadProperties.DataLake settings;
  private final Supplier<TokenCredential> tokenCredential;
  private final HttpClient httpClient;
  private final Map<String, DataLakeServiceClient> services = new ConcurrentHashMap<>();
  private final Map<String, DataLakeFileSystemClient> fileSystems = new ConcurrentHashMap<>();

  /**
   * @param tokenCredential the credential used when the settings name no key, SAS or connection
   *     string; asked for once, when the first client needs it
   * @param httpClient the HTTP client, or null for the SDK's default built from the settings
   */
  DataLakeClients(
      UploadProperties.DataLake settings,
      Supplier<TokenCredential> tokenCredential,
      HttpClient httpClient) {
    this.settings = settings;
    this.tokenCredential = memoize(tokenCredential);
    this.httpClient = httpClient;
  }

  DataLakeFileSystemClient fileSystem(OneLakePath location) {
    return fileSystems.computeIfAbsent(
        location.endpoint() + "/" + location.workspace(),
        key -> service(location.endpoint()).getFileSystemClient(location.workspace()));
  }

  private DataLakeServiceClient service(String endpoint) {
    return services.computeIfAbsent(endpoint, this::build);
  }

  private DataLakeServiceClient build(String endpoint) {
    long tryTimeout = Math.max(1, settings.responseTimeout().toSeconds() * 2);
    DataLakeServiceClientBuilder builder =
        new DataLakeServiceClientBuilder()
            .retryOptions(
                new RequestRetryOptions(
                    RetryPolicyType.EXPONENTIAL,
                    settings.requestTries(),
                    (int) Math.min(Integer.MAX_VALUE, tryTimeout),
                    settings.requestRetryDelay().toMillis(),
                    settings.requestMaxRetryDelay().toMillis(),
                    null));
    if (httpClient != null) {
      builder.httpClient(httpClient);
    } else {
      builder.clientOptions(
          new HttpClientOptions()
              .setResponseTimeout(settings.responseTimeout())
              .setReadTimeout(settings.responseTimeout())
              .setWriteTimeout(settings.responseTimeout()));
    }
    if (!settings.connectionString().isBlank()) {
      builder.connectionString(settings.connectionString());
      builder.endpoint(endpoint);
    } else if (!settings.sasToken().isBlank()) {
      builder.endpoint(endpoint).sasToken(settings.sasToken());
    } else if (!settings.accountKey().isBlank()) {
      String account = URI.create(endpoint).getHost().split("\\.")[0];
      builder
          .endpoint(endpoint)
          .credential(new StorageSharedKeyCredential(account, settings.accountKey()));
    } else {
      builder.endpoint(endpoint).credential(tokenCredential.get());
    }
    return builder.buildClient();
  }

  private static <T> Supplier<T> memoize(Supplier<T> supplier) {
    Map<Boolean, T> once = new ConcurrentHashMap<>();
    return () -> once.computeIfAbsent(Boolean.TRUE, k -> supplier.get());
  }
}
