/**
 * Kafka plumbing shared by the ingester's features: reading a partition back, outside the consumer
 * group, to rebuild state (the deduplication window, the Eventhouse checkpoint).
 */
package org.attachmentpipeline.ingester.kafka;
