/**
 * The {@code sluice} command. It exports nothing: picocli reads the commands by reflection, and the
 * endpoints come from every module that provides {@link dev.sluice.core.endpoint.EndpointProvider}.
 */
module dev.sluice.cli {
  requires dev.sluice.core;
  requires dev.sluice.http;
  requires dev.sluice.s3;
  // not called directly: required so that their EndpointProviders are in the module graph
  requires dev.sluice.jdbc;
  requires dev.sluice.redis;
  requires info.picocli;
  requires java.logging;
  requires com.fasterxml.jackson.databind;

  uses dev.sluice.core.endpoint.EndpointProvider;

  opens dev.sluice.cli to
      info.picocli;
}
