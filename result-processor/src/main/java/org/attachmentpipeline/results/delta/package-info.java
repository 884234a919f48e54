/**
 * Delta Kernel plumbing shared by the result processor's tables: building the default engine,
 * idempotent appends tagged with Delta application transaction ids, and reading a small table back.
 * Nothing here knows the pipeline's records.
 */
package org.attachmentpipeline.results.delta;
