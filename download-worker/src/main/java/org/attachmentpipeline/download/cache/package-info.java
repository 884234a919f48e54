/**
 * The local download cache: where files wait between download and upload, named by task id, and how
 * full it is (the backpressure that pauses consumption when uploads fall behind).
 */
package org.attachmentpipeline.download.cache;
