package dev.sluice.coord.postgres;

import dev.sluice.coord.Coordination;
import dev.sluice.coord.CoordinationContract;
import dev.sluice.coord.CoordinationOptions;
import dev.sluice.coord.TestStores;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The coordination contract on the machine's PostgreSQL (127.0.0.1:5432, database test). */
class PostgresCoordinationIT extends CoordinationContract {

  @Override
  protected Coordination connect(CoordinationOptions options) {
    return Coordination.open(TestStores.postgres(), options);
  }

  @Override
  protected void cleanUp(String namespace) throws SQLException {
    try (Connection c = DriverManager.getConnection(TestStores.postgres());
        Statement st = c.createStatement()) {
      for (String table : new String[] {"nodes", "sweeps", "fences", "buckets"}) {
        st.execute("DROP TABLE IF EXISTS " + namespace + "_" + table);
      }
    }
  }
}
