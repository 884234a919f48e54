/** The dlq-handler's HTTP API over the dead-letter view, under {@code /api/dlq}. */
package org.attachmentpipeline.dlq.web;
