package org.attachmentpipeline.results.delta;

/**
 * What an idempotent append did.
 *
 * @param written rows added to the table
 * @param skipped rows left out because their version was already committed
 * @param previousVersion the version committed for the application before this append, or -1
 * @param tableVersion the table version of the commit, or -1 when nothing was committed
 */
public record AppendResult(int written, int skipped, long previousVersion, long tableVersion) {}
