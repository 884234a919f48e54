/**
 * The result processor: the one worker that knows Delta. It consumes the final outcome of every
 * attachment from the results topic and records it, exactly once in effect, in the Delta inventory
 * table ({@code inventory}); {@code delta} holds the Delta Kernel plumbing that the tables share.
 */
package org.attachmentpipeline.results;
