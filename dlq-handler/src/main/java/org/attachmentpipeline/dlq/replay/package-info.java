/**
 * Replaying and discarding dead letters: {@link org.attachmentpipeline.dlq.replay.ReplayService}
 * chooses the dead letters (by task id, trace id or filter), sends the replayed tasks and the audit
 * record in one Kafka transaction, and marks the dead letters handled so that a second replay does
 * nothing.
 */
package org.attachmentpipeline.dlq.replay;
