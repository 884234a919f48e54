/**
 * Reading a whole topic from the beginning at every start, without a consumer group: how the
 * dlq-handler rebuilds its state (the dead-letter view and the audit log) from Kafka.
 */
package org.attachmentpipeline.dlq.kafka;
