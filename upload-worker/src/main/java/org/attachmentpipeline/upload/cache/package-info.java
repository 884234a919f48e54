/**
 * The cache directory as this worker sees it: the only files it reads and deletes, whatever a
 * record on {@code downloads.cached} names.
 */
package org.attachmentpipeline.upload.cache;
