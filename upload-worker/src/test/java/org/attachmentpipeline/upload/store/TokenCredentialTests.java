package org.attachmentpipeline.upload.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.attachmentpipeline.upload.destination.OneLakePath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * The DataLake client with a bearer token, over HTTPS as the client demands, against the local DFS
 * server whose {@code /token} endpoint hands out the token (or fails).
 */
class TokenCredentialTests {

  @TempDir Path dir;

  private FakeDfsServer server;
  private TestTls tls;

  @BeforeEach
  void start() throws Exception {
    tls = TestTls.create(dir);
    server = FakeDfsServer.https(tls.serverContext());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Fetches its token from the fake token endpoint, as a managed identity credential would. */
  private TokenCredential tokenEndpointCredential(AtomicInteger asked) throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
    return (TokenRequestContext request) ->
        Mono.fromCallable(
            () -> {
              asked.incrementAndGet();
              HttpResponse<String> response =
                  http.send(
                      HttpRequest.newBuilder(URI.create(server.endpoint() + "/token")).build(),
                      HttpResponse.BodyHandlers.ofString());
              if (response.statusCode() != 200) {
                throw new ClientAuthenticationException(
                    "token endpoint answered " + response.statusCode(), null);
              }
              return new AccessToken("fake-token", OffsetDateTime.now().plusHours(1));
            });
  }

  @Test
  void aFailingTokenEndpointFailsTheAttemptBeforeAnyStorageCallAndTheNextAttemptSucceeds()
      throws Exception {
    AtomicInteger asked = new AtomicInteger();
    SslContext trusting = SslContextBuilder.forClient().trustManager(tls.trust()).build();
    reactor.netty.http.client.HttpClient netty =
        reactor.netty.http.client.HttpClient.create().secure(ssl -> ssl.sslContext(trusting));
    DataLakeOneLakeStore store =
        new DataLakeOneLakeStore(
            DataLakeOneLakeStoreTests.settings("", 1),
            () -> {
              try {
                return tokenEndpointCredential(asked);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            new NettyAsyncHttpClientBuilder(netty).build());
    byte[] bytes = new byte[200_000];
    new Random(7).nextBytes(bytes);
    Path source = Files.write(dir.resolve("f"), bytes);
    OneLakePath destination =
        OneLakePath.parse(server.endpoint() + "/ws/lh.Lakehouse/Files/x/f.pdf", "test");
    server.failNextTokens(1);

    assertThatThrownBy(
            () ->
                store.put(
                    source,
                    destination,
                    new OneLakeStore.FileMetadata("application/pdf", "s", "t", "h")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("token endpoint answered 500");
    assertThat(server.requests()).noneMatch(r -> r.startsWith("PUT") || r.startsWith("PATCH"));
    assertThat(server.paths()).isEmpty();

    store.put(source, destination, new OneLakeStore.FileMetadata("application/pdf", "s", "t", "h"));
    assertThat(server.file("ws", "lh.Lakehouse/Files/x/f.pdf").content()).isEqualTo(bytes);
    assertThat(server.authorizations()).isNotEmpty().allMatch("Bearer fake-token"::equals);
    assertThat(asked.get()).isGreaterThanOrEqualTo(2);
  }
}
