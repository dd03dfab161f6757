package dev.sluice.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/** A {@code multipart/form-data} body built part by part, for tests of {@code POST /objects}. */
final class MultipartForm {

  static final String BOUNDARY = "sluice-test-boundary";

  private final ByteArrayOutputStream body = new ByteArrayOutputStream();

  /** A part with the given raw {@code Content-Disposition} value (UTF-8) and content. */
  MultipartForm part(String disposition, byte[] content) {
    body.writeBytes(("--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII));
    body.writeBytes(
        ("Content-Disposition: " + disposition + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  /**
   * A file part named {@code fileName}: a quoted {@code filename} (raw UTF-8, as browsers send it),
   * or, for a name holding a double quote or a backslash or white space at its ends, {@code
   * filename*=UTF-8''…} (RFC 8187), the one form that says such a name unambiguously: clients and
   * servers disagree on escapes inside the quoted form, and Jetty trims a quoted name.
   */
  MultipartForm file(String fileName, byte[] content) {
    boolean plain =
        fileName.indexOf('"') < 0
            && fileName.indexOf('\\') < 0
            && fileName.equals(fileName.strip());
    if (plain) {
      return part("form-data; name=\"f\"; filename=\"" + fileName + "\"", content);
    }
    String encoded =
        java.net.URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
    return part("form-data; name=\"f\"; filename*=UTF-8''" + encoded, content);
  }

  byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(body.toByteArray());
    out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /** A {@code POST} of this form to {@code pathAndQuery} on {@code server}. */
  HttpRequest.Builder post(TestServer server, String pathAndQuery) {
    return server
        .request(pathAndQuery)
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes()));
  }
}
