package dev.sluice.coord;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's Redis and PostgreSQL. A store that does not answer skips the test, or fails it with
 * {@code CI=true} (scripts/services.sh starts them).
 */
public final class TestStores {

  private TestStores() {}

  /** The Redis URL, after checking it answers. */
  public static String redis() {
    require("Redis", 6379);
    return "redis://127.0.0.1:6379/0";
  }

  /** The PostgreSQL URL, after checking it answers. */
  public static String postgres() {
    require("PostgreSQL", 5432);
    return "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  }

  /** A loopback port nothing listens on (just closed). */
  public static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void require(String what, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
    } catch (IOException e) {
      String why = what + " is not reachable on 127.0.0.1:" + port + ": " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + " (CI=true: start it with scripts/services.sh)");
      }
      Assumptions.abort(why);
    }
  }
}
