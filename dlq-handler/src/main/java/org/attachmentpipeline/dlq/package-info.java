/**
 * The dlq-handler: an in-memory, read-only view of the dead-letter topic, rebuilt from Kafka at
 * every start ({@code view}), and its HTTP API ({@code web}). Replay, authentication and audit come
 * on top of these two packages.
 */
package org.attachmentpipeline.dlq;
