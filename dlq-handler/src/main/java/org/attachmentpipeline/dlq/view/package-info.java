/**
 * The dead-letter view: reads the whole dead-letter topic from the beginning (no consumer group, no
 * committed offset), turns every record, readable or not, into a {@link
 * org.attachmentpipeline.dlq.view.DeadLetterEntry}, and answers queries over them. The reader and
 * the decoder are package-private: other code asks {@link
 * org.attachmentpipeline.dlq.view.DeadLetterView}.
 */
package org.attachmentpipeline.dlq.view;
