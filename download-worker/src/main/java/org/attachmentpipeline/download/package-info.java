/**
 * The download worker: consumes download tasks from the pending and retry topics, streams each file
 * into the local cache ({@code fetch}, {@code cache}) and routes the outcome to the cached topic, a
 * retry tier or the dead-letter topic ({@code task}).
 */
package org.attachmentpipeline.download;
