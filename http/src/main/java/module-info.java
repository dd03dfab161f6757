/** The Jetty 12 server (uploads, delivery, tables, metrics) and the HTTP source. */
module dev.sluice.http {
  requires transitive dev.sluice.core;
  requires transitive dev.sluice.coord; // SluiceServer.coordinationProbe()
  requires transitive org.eclipse.jetty.server; // handlers are Jetty Request.Handlers
  requires org.eclipse.jetty.http;
  requires org.eclipse.jetty.io;
  requires org.eclipse.jetty.http2.common;
  requires org.eclipse.jetty.http2.server;
  requires org.eclipse.jetty.alpn.server;
  requires transitive org.eclipse.jetty.util;
  requires micrometer.core;
  requires micrometer.registry.prometheus;
  requires io.github.bucket4j.core;
  requires com.sun.jna; // TCP_CORK for sendfile downloads (TcpCork)
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires java.net.http;
  requires java.management;
  requires jdk.management;

  exports dev.sluice.http;

  provides dev.sluice.core.endpoint.EndpointProvider with
      dev.sluice.http.HttpEndpointProvider;
}
