package dev.sluice.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;

/**
 * A TCP proxy on loopback that forwards to a server and, each time the bytes sent upstream (all
 * connections together) pass the next of its cut points, closes that connection on both sides: a
 * network that drops.
 */
public final class DroppingProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int targetPort;
  private final long[] cuts;
  private long forwarded; // guarded by this
  private int next; // guarded by this

  /** Forwards to {@code targetPort}, dropping the connection at each of {@code cuts} (bytes). */
  public DroppingProxy(int targetPort, long... cuts) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.cuts = cuts.clone();
    Arrays.sort(this.cuts);
    Thread.ofPlatform().daemon().name("dropping-proxy").start(this::accept);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** How many connections were dropped so far. */
  public synchronized int drops() {
    return next;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        Thread.ofVirtual().start(() -> upstream(client, server));
        Thread.ofVirtual().start(() -> downstream(server, client));
      } catch (IOException e) {
        // closed, or the server refused: the client sees its connection fail
      }
    }
  }

  private void upstream(Socket client, Socket server) {
    byte[] buffer = new byte[64 * 1024];
    try (client;
        server) {
      InputStream in = client.getInputStream();
      OutputStream out = server.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        int allowed = allow(n);
        out.write(buffer, 0, allowed);
        if (allowed < n) {
          out.flush();
          return; // a cut: both sockets close here
        }
      }
    } catch (IOException e) {
      // one side went away: both close
    }
  }

  /** How many of {@code n} bytes may pass before the next cut; counts them. */
  private synchronized int allow(int n) {
    if (next < cuts.length && forwarded + n >= cuts[next]) {
      int allowed = (int) (cuts[next] - forwarded);
      forwarded += allowed;
      next++;
      return allowed;
    }
    forwarded += n;
    return n;
  }

  private static void downstream(Socket server, Socket client) {
    try (server;
        client) {
      server.getInputStream().transferTo(client.getOutputStream());
    } catch (IOException e) {
      // one side went away: both close
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
