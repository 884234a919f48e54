package org.attachmentpipeline.upload.store;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.storage.common.ParallelTransferOptions;
import com.azure.storage.file.datalake.DataLakeFileClient;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.models.DataLakeRequestConditions;
import com.azure.storage.file.datalake.models.DataLakeStorageException;
import com.azure.storage.file.datalake.models.PathHttpHeaders;
import com.azure.storage.file.datalake.models.PathProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.attachmentpipeline.upload.UploadProperties;
import org.attachmentpipeline.upload.destination.OneLakePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OneLake, or any ADLS Gen2 account, through the DataLake client. A file goes up in parallel chunks
 * of {@code block-size} under a temporary name in its target folder, with its content type and
 * metadata, and is then renamed to the target: a reader sees the old file or the whole new one,
 * never half a file. {@link #putIfFree} renames only where no file is; {@link #put} over one.
 */
public final class DataLakeOneLakeStore implements OneLakeStore {

  private static final Logger log = LoggerFactory.getLogger(DataLakeOneLakeStore.class);

  private final DataLakeClients clients;
  private final UploadProperties.DataLake settings;

  /**
   * @param tokenCredential the credential when the settings name no key, SAS or connection string
   *     ({@code DefaultAzureCredential} in production); asked for when first needed
   * @param httpClient the HTTP client, or null for the SDK's default with the configured timeouts
   */
  public DataLakeOneLakeStore(
      UploadProperties.DataLake settings,
      Supplier<TokenCredential> tokenCredential,
      HttpClient httpClient) {
    this.settings = settings;
    this.clients = new DataLakeClients(settings, tokenCredential, httpClient);
  }

  /**
   * Builds the clients of {@code location} now, so that a configuration error shows at start.
   *
   * @param key the setting that named the location, for the error message
   * @throws IllegalArgumentException naming {@code key} and the credential setting in use
   */
  public void prepare(OneLakePath location, String key) {
    try {
      clients.fileSystem(location);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot build the OneLake client for "
              + key
              + " ("
              + location.toAbfss()
              + ") with "
              + settings.credentialKey()
              + ": "
              + StoreException.describe(e),
          e);
    }
  }

  @Override
  public void put(Path source, OneLakePath destination, FileMetadata metadata) throws IOException {
    place(source, destination, metadata, null);
  }

  /**
   * The rename that names the uploaded file asks for {@code If-None-Match: *}, so that it fails
   * (409, or 412 from a service that reads it as a failed condition) when a file has the name; that
   * file is this one only when it carries the same {@code sha256} metadata and size.
   */
  @Override
  public boolean putIfFree(Path source, OneLakePath destination, FileMetadata metadata)
      throws IOException {
    if (place(source, destination, metadata, new DataLakeRequestConditions().setIfNoneMatch("*"))) {
      return true;
    }
    Stored stored = stored(destination);
    return stored != null
        && stored.size() == Files.size(source)
        && stored.sha256() != null
        && stored.sha256().equalsIgnoreCase(metadata.sha256());
  }

  /**
   * Uploads {@code source} under a temporary name and renames it to {@code destination} on the
   * {@code conditions}; false when they did not hold.
   */
  private boolean place(
      Path source,
      OneLakePath destination,
      FileMetadata metadata,
      DataLakeRequestConditions conditions)
      throws IOException {
    DataLakeFileSystemClient fileSystem = clients.fileSystem(destination);
    String target = destination.path();
    int slash = target.lastIndexOf('/');
    String folder = slash < 0 ? "" : target.substring(0, slash + 1);
    String temporaryPath =
        folder + "." + target.substring(slash + 1) + "." + UUID.randomUUID() + ".uploading";
    DataLakeFileClient temporary = fileSystem.getFileClient(temporaryPath);
    ParallelTransferOptions transfer =
        new ParallelTransferOptions()
            .setBlockSizeLong(settings.blockSize().toBytes())
            .setMaxConcurrency(settings.transferConcurrency())
            .setMaxSingleUploadSizeLong(settings.maxSingleUploadSize().toBytes());
    boolean renamed = false;
    try {
      temporary.uploadFromFile(
          source.toString(),
          transfer,
          new PathHttpHeaders().setContentType(metadata.contentType()),
          metadataOf(metadata),
          null,
          settings.uploadTimeout());
      temporary.renameWithResponse(null, target, null, conditions, null, Context.NONE);
      renamed = true;
      return true;
    } catch (DataLakeStorageException e) {
      if (conditions != null && (e.getStatusCode() == 409 || e.getStatusCode() == 412)) {
        return false;
      }
      throw new StoreException(e);
    } catch (RuntimeException e) {
      throw new StoreException(e);
    } finally {
      if (!renamed) {
        removeQuietly(temporary, temporaryPath);
      }
    }
  }

  /** The size and {@code sha256} metadata of the file at {@code destination}. */
  private record Stored(long size, String sha256) {}

  /** What is stored at {@code destination}: null when nothing is. */
  private Stored stored(OneLakePath destination) throws IOException {
    try {
      Response<PathProperties> response =
          clients
              .fileSystem(destination)
              .getFileClient(destination.path())
              .getPropertiesWithResponse(null, null, Context.NONE);
      return new Stored(response.getValue().getFileSize(), storedSha256(response));
    } catch (DataLakeStorageException e) {
      if (e.getStatusCode() == 404) {
        return null;
      }
      throw new StoreException(e);
    } catch (RuntimeException e) {
      throw new StoreException(e);
    }
  }

  /**
   * The same size and, when the file carries the {@code sha256} metadata this store writes, the
   * same digest; a file written by something else (no metadata) is judged by its size alone.
   */
  @Override
  public boolean holds(OneLakePath destination, long size, String sha256) throws IOException {
    Stored stored = stored(destination);
    return stored != null
        && stored.size() == size
        && (stored.sha256() == null || stored.sha256().equalsIgnoreCase(sha256));
  }

  /**
   * The {@code sha256} metadata of a stored file. Read from the raw header as well: header names
   * are case-insensitive, but the client collects metadata only from headers spelled {@code
   * x-ms-meta-} in lower case, which a proxy (or a test server) need not keep.
   */
  private static String storedSha256(Response<PathProperties> response) {
    Map<String, String> metadata = response.getValue().getMetadata();
    if (metadata != null && metadata.get("sha256") != null) {
      return metadata.get("sha256");
    }
    return response.getHeaders().getValue(HttpHeaderName.fromString("x-ms-meta-sha256"));
  }

  private static Map<String, String> metadataOf(FileMetadata metadata) {
    Map<String, String> values = new LinkedHashMap<>();
    put(values, "sha256", metadata.sha256());
    put(values, "trace_id", metadata.traceId());
    put(values, "source_host", metadata.sourceHost());
    return values;
  }

  /** Metadata travels in headers: printable ASCII only. */
  private static void put(Map<String, String> values, String key, String value) {
    if (value != null && !value.isBlank()) {
      values.put(key, value.replaceAll("[^\\x20-\\x7e]", "_").strip());
    }
  }

  private static void removeQuietly(DataLakeFileClient temporary, String path) {
    try {
      temporary.deleteIfExists();
    } catch (RuntimeException e) {
      // Usually the same trouble that failed the upload; the next attempt uses a new name.
      log.debug(
          "Could not remove the temporary file {} after a failed upload: {}",
          path,
          StoreException.describe(e));
    }
  }
}
