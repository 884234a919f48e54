/**
 * Transferring each cached download into OneLake: the batch listener on {@code downloads.cached}
 * and its deserializer, the concurrent uploads of one poll ({@code UploadBatch}), one upload in the
 * order that keeps files safe (store, result acknowledged, cache file deleted: {@code
 * UploadService}), the skipping of a failed batch's already finished records on redelivery, and
 * what an operator sees of it (metrics, health {@code oneLake}). Where a file goes is {@code
 * destination}, how bytes reach OneLake is {@code store}, which files may be touched is {@code
 * cache}.
 */
package org.attachmentpipeline.upload.transfer;
