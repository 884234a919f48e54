/**
 * The {@code eventhub} source: an Event Hubs processor whose batches are forwarded to the raw topic
 * and checkpointed in a blob container only after Kafka acknowledged them.
 */
package org.attachmentpipeline.ingester.eventhub;
