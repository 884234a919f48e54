/**
 * The {@code dlq} command line ({@link org.attachmentpipeline.dlq.cli.DlqCommand}), started by
 * {@code dlq-handler/bin/dlq}: a plain Java client of the dlq-handler's HTTP API. picocli parses
 * the command line and generates each command's {@code --help} and the bash completion, so the
 * parser, the help and the completion cannot drift apart; {@code DlqApi} is the HTTP side.
 */
package org.attachmentpipeline.dlq.cli;
