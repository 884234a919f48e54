/**
 * The local download cache: where files wait between download and upload, named by task id. A later
 * issue adds the cache-size backpressure here.
 */
package org.attachmentpipeline.download.cache;
