/**
 * Fetching one file: the {@link org.attachmentpipeline.download.fetch.Downloader} streams a URL
 * into the cache with the shared WebClient and classifies what went wrong. It knows nothing of
 * Kafka.
 */
package org.attachmentpipeline.download.fetch;
