/**
 * Delta Kernel plumbing shared by the result processor's tables: building the default engine,
 * idempotent appends (Delta application transaction ids per source partition and topic incarnation,
 * an index of outcome keys for tables that keep one row per outcome, required values checked before
 * any row is written), and reading a small table back. Nothing here knows the pipeline's records.
 */
package org.attachmentpipeline.results.delta;
