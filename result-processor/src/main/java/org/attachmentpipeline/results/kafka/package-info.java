/**
 * Kafka plumbing shared by the result processor's table writers: the batch listener container
 * factories (poll size, offset commits after the listener, redelivery of a failed batch) and the
 * dead-letter publisher for records that can never become a row.
 */
package org.attachmentpipeline.results.kafka;
