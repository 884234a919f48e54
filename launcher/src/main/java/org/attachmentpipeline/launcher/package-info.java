/**
 * Runs one worker or the whole pipeline in one process, each worker in its own Spring context, and
 * by default a real single-node Kafka broker beside them, so that the pipeline runs from a fresh
 * clone with one command. The only package allowed to depend on the worker modules.
 */
package org.attachmentpipeline.launcher;
