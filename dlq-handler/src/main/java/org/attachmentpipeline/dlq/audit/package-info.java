/**
 * The audit of operator actions: every replay and discard is one {@link
 * org.attachmentpipeline.dlq.audit.AuditRecord} on the audit topic, written in the same Kafka
 * transaction as the replayed records, and read back at every start to know which dead letters were
 * already handled.
 */
package org.attachmentpipeline.dlq.audit;
