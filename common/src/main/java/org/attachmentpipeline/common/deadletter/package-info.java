/**
 * Dead letters, one way for every stage: {@link
 * org.attachmentpipeline.common.deadletter.UnreadableRecordRecoverer} sends a record that cannot be
 * read to the dead-letter topic as it came (Spring Kafka's dead-letter publishing recoverer, as
 * Kafka Connect's reporter keeps them); {@link org.attachmentpipeline.common.deadletter.TaskGiveUp}
 * ends a task with a dead letter and its FAILED result; {@link
 * org.attachmentpipeline.common.deadletter.DeadLetterDecoder} reads either kind back, for every
 * reader of the topic; {@link org.attachmentpipeline.common.deadletter.FailureReasons} says why, in
 * words an operator reads. See docs/adr/0032-one-way-to-dead-letter.md.
 */
package org.attachmentpipeline.common.deadletter;
