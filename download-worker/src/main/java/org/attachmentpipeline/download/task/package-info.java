/**
 * Consuming download tasks: the pending and retry-tier listeners, holding a retry until it is due,
 * bounding the downloads in flight, and publishing each outcome (cached, next retry tier, or dead
 * letter with its FAILED result) before the task's record is acknowledged.
 */
package org.attachmentpipeline.download.task;
