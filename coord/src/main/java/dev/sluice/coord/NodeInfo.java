package dev.sluice.coord;

import java.time.Instant;

/**
 * What a node publishes about itself at each heartbeat.
 *
 * @param id the node's id, unique in the cluster
 * @param address where it serves, e.g. {@code http://10.0.0.5:8080}
 * @param startedAt when it started
 * @param transfers how many transfers it runs now
 * @param detail an opaque text the publisher chooses (the server: its transfers as JSON); "" if
 *     none
 */
public record NodeInfo(String id, String address, Instant startedAt, int transfers, String detail) {

  public NodeInfo {
    if (id == null || id.isBlank() || id.contains("\n")) {
      throw new IllegalArgumentException("node id must be a non-blank line: " + id);
    }
    if (address == null || address.contains("\n")) {
      throw new IllegalArgumentException("node address must be one line: " + address);
    }
    detail = detail == null ? "" : detail;
  }

  /** One text: the fields on lines of their own, the detail last (it may span lines). */
  public String encode() {
    return id + "\n" + address + "\n" + startedAt + "\n" + transfers + "\n" + detail;
  }

  /** The inverse of {@link #encode()}. */
  public static NodeInfo decode(String text) {
    String[] parts = text.split("\n", 5);
    if (parts.length != 5) {
      throw new IllegalArgumentException("not an encoded node: " + parts.length + " fields");
    }
    return new NodeInfo(
        parts[0], parts[1], Instant.parse(parts[2]), Integer.parseInt(parts[3]), parts[4]);
  }
}
