/**
 * The {@code dlq} command line ({@link org.attachmentpipeline.dlq.cli.DlqCommand}): a plain Java
 * client of the dlq-handler's HTTP API, started by {@code dlq-handler/bin/dlq}.
 */
package org.attachmentpipeline.dlq.cli;
