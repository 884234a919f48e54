/**
 * The dlq-handler's HTTP API under {@code /api/dlq}: reads over the dead-letter view and the audit
 * log, and the replay and discard endpoints; documented by springdoc at {@code /v3/api-docs} and
 * {@code /swagger-ui.html}.
 */
package org.attachmentpipeline.dlq.web;
