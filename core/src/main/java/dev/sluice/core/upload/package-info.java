/**
 * Resumable uploads, independent of any protocol or server: an {@link
 * dev.sluice.core.upload.UploadStore} keeps upload resources (a target key, an optional length,
 * metadata, the identity that created them, an expiry) whose bytes arrive by appends at an offset
 * and become the target object, atomically, on completion.
 *
 * <p>The offset lives in the store, not in memory: it is derived from what the store holds (for the
 * file store, the staging file's length), so a restarted process continues where the bytes are. One
 * append runs per upload at a time; a new one (or a cancellation) ends the one in progress at its
 * durable offset first. That ordering is within one process: processes sharing a store keep their
 * appends apart themselves (the server holds a lease per upload in its coordination store, and a
 * newer request asks for it, which ends the append in progress). The tus 1.0 and IETF
 * resumable-upload protocols are mapped onto this by the http module.
 */
package dev.sluice.core.upload;
