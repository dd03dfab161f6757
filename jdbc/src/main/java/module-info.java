/**
 * PostgreSQL COPY, MariaDB LOAD DATA and batched JDBC sinks, the query-export source and the
 * large-object blob store (its connections pooled by HikariCP). pgjdbc and the MariaDB driver are
 * required because their own API is called (COPY, large objects, LOAD DATA's input stream); H2, the
 * embedded default, is found by {@link java.sql.DriverManager} at run time.
 */
module dev.sluice.jdbc {
  requires transitive dev.sluice.core;
  requires transitive dev.sluice.records;
  requires java.sql;
  requires org.postgresql.jdbc;
  requires com.zaxxer.hikari;
  requires org.mariadb.jdbc;
  requires com.fasterxml.jackson.core;

  exports dev.sluice.jdbc;

  provides dev.sluice.core.endpoint.EndpointProvider with
      dev.sluice.jdbc.JdbcEndpointProvider;
}
