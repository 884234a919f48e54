/**
 * Consuming download tasks: the pending and retry-tier listeners, holding a retry until it is due
 * (at most its tier's delay, then it is queued on its tier again), bounding the downloads in
 * flight, and publishing each outcome (cached, next retry tier, or dead letter with its FAILED
 * result) before the task's record is acknowledged; handing revoked partitions over within a grace;
 * sending what cannot be a task, or cannot be published, to the dead-letter topic instead of
 * stopping a partition.
 */
package org.attachmentpipeline.download.task;
