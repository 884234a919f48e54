/**
 * The dlq-handler: a view of the dead-letter topic rebuilt from Kafka at every start ({@code view},
 * {@code kafka}), replay and discard ({@code replay}) with an audit topic ({@code audit}), the HTTP
 * API ({@code web}) behind a credential ({@code auth}), and the {@code dlq} command line ({@code
 * cli}).
 */
package org.attachmentpipeline.dlq;
