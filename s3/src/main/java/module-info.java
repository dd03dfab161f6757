/**
 * The S3 multipart sink, the ranged S3 source and the S3 blob store (AWS SDK v2). The SDK's jars
 * are automatic modules: the ones whose types the API takes (the client, credentials, region,
 * interceptors) are required transitively.
 */
@SuppressWarnings("module") // "s3" ends with a digit, as the SDK's own module name does
module dev.sluice.s3 {
  requires transitive dev.sluice.core;
  requires transitive software.amazon.awssdk.services.s3;
  requires transitive software.amazon.awssdk.core;
  requires transitive software.amazon.awssdk.auth;
  requires transitive software.amazon.awssdk.regions;
  requires software.amazon.awssdk.awscore; // the client builders inherit from it
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.http.apache5;

  exports dev.sluice.s3;

  provides dev.sluice.core.endpoint.EndpointProvider with
      dev.sluice.s3.S3EndpointProvider;
}
