package dev.sluice.http;

import dev.sluice.core.Source;
import dev.sluice.http.internal.Exchange;
import dev.sluice.http.internal.UploadTarget;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resumable uploads into {@code /tables/{table}}: the bytes are staged under {@code
 * .sluice-tables/TABLE/FORMAT/create-table|existing/NONCE} (every option of the creation request,
 * so any server over the store completes it alike; the nonce keeps two uploads to one table apart),
 * and on completion they go through the same load as a {@code POST}.
 */
final class TableUploadTarget implements UploadTarget {

  private static final String NAMESPACE = ".sluice-tables/";
  private static final Pattern KEY =
      Pattern.compile(
          Pattern.quote(NAMESPACE)
              + "([A-Za-z_][A-Za-z0-9_]*)/(csv|ndjson)/(create-table|existing)/[0-9a-f]{32}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TablesHandler tables;

  TableUploadTarget(TablesHandler tables) {
    this.tables = tables;
  }

  @Override
  public String prefix() {
    return TablesHandler.PREFIX;
  }

  @Override
  public String stagingKey(Exchange creation, String contentType) {
    String path = creation.path();
    String table =
        TablesHandler.tableName(creation.request(), path.substring(TablesHandler.PREFIX.length()));
    String format = TablesHandler.format(creation, contentType);
    boolean createTable = "true".equalsIgnoreCase(creation.query("create-table"));
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    return NAMESPACE
        + table
        + "/"
        + format
        + "/"
        + (createTable ? "create-table" : "existing")
        + "/"
        + HexFormat.of().formatHex(nonce);
  }

  @Override
  public boolean stages(String key) {
    return KEY.matcher(key).matches();
  }

  @Override
  public Map<String, Object> load(String stagingKey, Source staged) throws Exception {
    Matcher key = KEY.matcher(stagingKey);
    if (!key.matches()) {
      staged.close();
      throw new IllegalArgumentException("not a table upload's staging key: " + stagingKey);
    }
    return tables.load(key.group(1), key.group(2), key.group(3).equals("create-table"), staged);
  }

  @Override
  public String toString() {
    return "table uploads(" + tables + ")";
  }
}
