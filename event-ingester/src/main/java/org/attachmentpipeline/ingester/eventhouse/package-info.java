/**
 * The {@code eventhouse} source: KQL polls in ingestion-time order with an overlap window, a
 * checkpoint in a compacted Kafka topic and a Kafka-group lease so that one instance polls.
 */
package org.attachmentpipeline.ingester.eventhouse;
