package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

  @Test
  void userInformationOfAnyUrlIsMasked() {
    assertThat(Secrets.redact("redis://default:hunter2@127.0.0.1:6379/0"))
        .isEqualTo("redis://***@127.0.0.1:6379/0");
    assertThat(Secrets.redact("rediss://:pw@h:1")).isEqualTo("rediss://***@h:1");
    assertThat(Secrets.redact("jdbc:mariadb://root:pw@h/db")).isEqualTo("jdbc:mariadb://***@h/db");
    assertThat(Secrets.redact("cannot reach redis://u:p@h:6379/0 (refused)"))
        .isEqualTo("cannot reach redis://***@h:6379/0 (refused)");
  }

  @Test
  void secretParametersAreMaskedInQueriesAndSemicolonLists() {
    assertThat(
            Secrets.redact("jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=hunter2"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=***");
    assertThat(Secrets.redact("jdbc:h2:./db;USER=sa;PASSWORD=x;MODE=PostgreSQL"))
        .isEqualTo("jdbc:h2:./db;USER=sa;PASSWORD=***;MODE=PostgreSQL");
    assertThat(Secrets.redact("s3://b/p?accessKey=AK&secretKey=SK&region=eu"))
        .isEqualTo("s3://b/p?accessKey=***&secretKey=***&region=eu");
    assertThat(Secrets.redact("x?api_token=t1&sslpassword=p#frag"))
        .isEqualTo("x?api_token=***&sslpassword=***#frag");
  }

  @Test
  void textWithoutCredentialsIsUnchanged() {
    for (String plain :
        new String[] {
          "file:/srv/sluice-data",
          "redis://127.0.0.1:6379/0?prefix=sluice",
          "s3://bucket/prefix",
          "jdbc:postgresql://h/db?user=postgres&sslmode=require",
          "write to someone@example.org",
          ""
        }) {
      assertThat(Secrets.redact(plain)).isEqualTo(plain);
    }
    assertThat(Secrets.redact(null)).isNull();
  }
}
