/**
 * Sluice's core: the stream API ({@code dev.sluice.core}), the job runtime ({@code
 * dev.sluice.core.job}), blobs and stores ({@code dev.sluice.core.blob}), HTTP delivery semantics
 * independent of any server ({@code dev.sluice.core.delivery}), files on disk (the
 * temp-file-and-rename and the zero-copy interfaces, {@code dev.sluice.core.file}), the endpoint
 * SPI ({@code dev.sluice.core.endpoint}) and resumable uploads ({@code dev.sluice.core.upload}). It
 * depends on the JDK only; implementation types are package-private beside the API that creates
 * them, so every package here is API.
 */
module dev.sluice.core {
  requires java.management;

  exports dev.sluice.core;
  exports dev.sluice.core.job;
  exports dev.sluice.core.blob;
  exports dev.sluice.core.delivery;
  exports dev.sluice.core.endpoint;
  exports dev.sluice.core.file;
  exports dev.sluice.core.upload;
}
