import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;

/**
 * bench/resumable-cli.sh's network that drops: a TCP proxy on loopback to TARGET_PORT that closes
 * the connection each time the bytes sent upstream (all connections together) pass the next cut.
 * Prints its port, then runs until killed. Usage: java DropProxy.java TARGET_PORT CUT_BYTES...
 * (the same logic as the tests' dev.sluice.core.testing.DroppingProxy, runnable without a build).
 */
public final class DropProxy {

  private static int targetPort;
  private static long[] cuts;
  private static long forwarded;
  private static int next;

  public static void main(String[] args) throws IOException {
    targetPort = Integer.parseInt(args[0]);
    cuts = Arrays.stream(args).skip(1).mapToLong(Long::parseLong).sorted().toArray();
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    System.out.println(listener.getLocalPort());
    System.out.flush();
    while (true) {
      Socket client = listener.accept();
      Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      Thread.ofVirtual().start(() -> upstream(client, server));
      Thread.ofVirtual().start(() -> downstream(server, client));
    }
  }

  private static void upstream(Socket client, Socket server) {
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
          System.err.println("drop-proxy: cut at " + forwarded + " bytes");
          return;
        }
      }
    } catch (IOException e) {
      // one side went away: both close
    }
  }

  private static synchronized int allow(int n) {
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
}
