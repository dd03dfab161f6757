package dev.sluice.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One request written byte for byte over a raw socket, for what the JDK client will not send
 * (malformed framing, short bodies, garbage headers), and the response read back as text.
 */
final class RawHttp {

  /** A response: its status ({@code -1} when the server closed without answering) and all text. */
  record Answer(int status, String text) {
    /** The body after the head, or the whole text when no head was read. */
    String body() {
      int end = text.indexOf("\r\n\r\n");
      return end < 0 ? text : text.substring(end + 4);
    }
  }

  private RawHttp() {}

  /**
   * Sends {@code request}, then half-closes the connection when {@code endOfInput}, and reads one
   * response (up to its Content-Length, the end of the stream, or {@code timeoutMillis}).
   */
  static Answer exchange(int port, byte[] request, boolean endOfInput, int timeoutMillis)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(timeoutMillis);
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        if (endOfInput) {
          socket.shutdownOutput();
        }
      } catch (IOException e) {
        // the server may answer and close before taking all of a hostile request: read what came
      }
      return read(socket.getInputStream());
    }
  }

  static Answer exchange(int port, String request, boolean endOfInput, int timeoutMillis)
      throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), endOfInput, timeoutMillis);
  }

  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    long want = -1;
    try {
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        out.write(buffer, 0, n);
        String text = out.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end >= 0 && want < 0) {
          want = contentLength(text.substring(0, end));
          if (want >= 0) {
            want += end + 4;
          }
        }
        if (want >= 0 && out.size() >= want) {
          break;
        }
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what was read is the answer
    }
    String text = out.toString(StandardCharsets.UTF_8);
    int status = -1;
    if (text.startsWith("HTTP/1.1 ") && text.length() >= 12) {
      status = Integer.parseInt(text.substring(9, 12));
    }
    return new Answer(status, text);
  }

  private static long contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0
          && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        return Long.parseLong(line.substring(colon + 1).trim());
      }
    }
    return -1;
  }
}
