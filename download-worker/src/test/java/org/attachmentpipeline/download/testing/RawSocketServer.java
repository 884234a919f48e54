package org.attachmentpipeline.download.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP server on 127.0.0.1 that answers every connection with fixed bytes, for responses a proper
 * HTTP server will not send: a body shorter than its Content-Length, or no answer at all.
 */
public final class RawSocketServer implements AutoCloseable {

  private final ServerSocket socket;
  private final byte[] answer;
  private final boolean closeAfterAnswer;
  private volatile boolean reset;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private RawSocketServer(byte[] answer, boolean closeAfterAnswer) {
    this.answer = answer;
    this.closeAfterAnswer = closeAfterAnswer;
    try {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(this::acceptAll, "raw-socket-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Answers with {@code answer}, then closes the connection. */
  public static RawSocketServer answering(byte[] answer) {
    return new RawSocketServer(answer, true);
  }

  /**
   * Answers with {@code answer} and keeps the connection open without another byte: a stalled body.
   */
  public static RawSocketServer answeringThenStalling(byte[] answer) {
    return new RawSocketServer(answer, false);
  }

  /** Answers with {@code answer}, then resets the connection (TCP RST). */
  public static RawSocketServer answeringThenResetting(byte[] answer) {
    RawSocketServer server = new RawSocketServer(answer, true);
    server.reset = true;
    return server;
  }

  /** Accepts connections and reads the requests, but never answers. */
  public static RawSocketServer silent() {
    return new RawSocketServer(new byte[0], false);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + path;
  }

  private void acceptAll() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        open.add(connection);
        readRequestHead(connection.getInputStream());
        OutputStream out = connection.getOutputStream();
        out.write(answer);
        out.flush();
        if (closeAfterAnswer) {
          if (reset) {
            connection.setSoLinger(true, 0);
          }
          connection.close();
        }
      } catch (IOException e) {
        if (!socket.isClosed()) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  private static void readRequestHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    int next;
    while (matched < end.length && (next = in.read()) >= 0) {
      matched = next == end[matched] ? matched + 1 : (next == '\r' ? 1 : 0);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket connection : open) {
      connection.close();
    }
  }
}
