/**
 * The result processor: the one worker that knows Delta. It records the final outcome of every
 * attachment from the results topic in the Delta inventory table ({@code inventory}), and every raw
 * event from the events topic in the Delta events table ({@code events}), each exactly once in
 * effect; {@code delta} holds the Delta Kernel plumbing the tables share and {@code kafka} the
 * listener and dead-letter plumbing.
 */
package org.attachmentpipeline.results;
