/**
 * picocli, compiled unchanged from its published sources with release 21. This is the module
 * descriptor the published jar carries in META-INF/versions/9, so the name stays {@code
 * info.picocli}.
 */
module info.picocli {
  requires static java.sql;

  exports picocli;
}
