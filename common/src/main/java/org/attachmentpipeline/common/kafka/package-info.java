/** Kafka plumbing that several stages share: reading partitions from given offsets to their end. */
package org.attachmentpipeline.common.kafka;
