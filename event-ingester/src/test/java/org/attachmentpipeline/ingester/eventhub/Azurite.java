package org.attachmentpipeline.ingester.eventhub;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Azurite's blob service as a child process on 127.0.0.1, when it is installed ({@code npm install
 * -g azurite@3.37.0}): found on the PATH as {@code azurite-blob}, or where {@code AZURITE_BLOB}
 * points.
 */
final class Azurite implements AutoCloseable {

  /** Azurite's well-known development account. */
  static final String ACCOUNT = "devstoreaccount1";

  static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private final Process process;
  private final int port;

  private Azurite(Path executable) throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Path data = Files.createTempDirectory("azurite");
    process =
        new ProcessBuilder(
                executable.toString(),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                Integer.toString(port),
                "--location",
                data.toString(),
                "--skipApiVersionCheck",
                "--silent")
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("azurite.log").toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(this::listening);
  }

  /** The blob service's executable, if installed. */
  static Optional<Path> executable() {
    String configured = System.getenv("AZURITE_BLOB");
    if (configured != null && Files.isExecutable(Path.of(configured))) {
      return Optional.of(Path.of(configured));
    }
    List<String> path =
        Arrays.asList(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator));
    return path.stream()
        .map(dir -> Path.of(dir, "azurite-blob"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  static Azurite start() throws IOException {
    return new Azurite(executable().orElseThrow());
  }

  String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName="
        + ACCOUNT
        + ";AccountKey="
        + KEY
        + ";BlobEndpoint=http://127.0.0.1:"
        + port
        + "/"
        + ACCOUNT
        + ";";
  }

  private boolean listening() {
    if (!process.isAlive()) {
      throw new IllegalStateException("Azurite exited with " + process.exitValue());
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
  }
}
