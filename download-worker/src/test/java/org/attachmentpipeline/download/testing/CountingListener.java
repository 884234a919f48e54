package org.attachmentpipeline.download.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener that accepts, counts and closes every connection: the proof that a client never
 * connected is a count that did not move. Accepting before closing means a client that did connect
 * cannot see its connection end before it is counted.
 */
public final class CountingListener implements AutoCloseable {

  private final ServerSocket socket;
  private final AtomicInteger accepted = new AtomicInteger();

  private CountingListener(ServerSocket socket) {
    this.socket = socket;
    Thread acceptor = new Thread(this::acceptAll, "counting-listener-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Listens on {@code address} (a loopback address), any free port. */
  public static CountingListener on(InetAddress address) throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.bind(new InetSocketAddress(address, 0), 50);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return new CountingListener(socket);
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  private void acceptAll() {
    while (!socket.isClosed()) {
      try (Socket connection = socket.accept()) {
        accepted.incrementAndGet();
      } catch (IOException closed) {
        // closed by close(), or a connection that went away: keep counting until closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
